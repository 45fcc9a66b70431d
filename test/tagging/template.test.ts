// The template engine: fields, durations, errors, verbatim insertion, and no eval (checked under a strict CSP).
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import {
  parseTemplate,
  renderTemplate,
  TemplateError,
  templateFields,
  type TemplateContext,
} from '../../src/tagging/index.ts';
import { agent, model } from './fake-tracker.ts';

function context(overrides: Partial<TemplateContext> = {}): TemplateContext {
  return {
    agent,
    contact: model('c-1', {
      initialContactId: 'c-0',
      channel: 'chat',
      attributes: { Tier: 'gold', Weird: '{{agent.username}}' },
    }),
    event: { type: 'acw', at: new Date('2025-03-01T10:01:35.000Z') },
    times: {
      connecting: new Date('2025-03-01T09:59:00.000Z'),
      connected: new Date('2025-03-01T10:00:00.000Z'),
      acw: new Date('2025-03-01T10:01:35.000Z'),
    },
    ...overrides,
  };
}

const render = (source: string, ctx = context()) => renderTemplate(parseTemplate(source), ctx);

describe('templates', () => {
  it('renders agent, contact, queue, event, time, duration and attribute fields', () => {
    expect(render('{{agent.username}} ({{agent.name}})')).to.equal('jdoe (Jane Doe)');
    expect(render('{{agent.arn}}')).to.equal(agent.arn);
    expect(render('{{contact.contactId}}/{{contact.initialContactId}}/{{contact.channel}}')).to.equal('c-1/c-0/chat');
    expect(render('{{queue.name}}')).to.equal('Sales');
    expect(render('{{event.type}} at {{event.at}}')).to.equal('acw at 2025-03-01T10:01:35.000Z');
    expect(render('{{time.connected}}')).to.equal('2025-03-01T10:00:00.000Z');
    expect(render('{{duration.connected}}s talk, {{duration.connecting}}s total')).to.equal('95s talk, 155s total');
    expect(render('tier={{attributes.Tier}}')).to.equal('tier=gold');
    expect(render('{{ agent.username }}')).to.equal('jdoe');
  });

  it('renders what is unknown at the time as an empty string', () => {
    expect(render('[{{duration.missed}}][{{time.ended}}][{{attributes.Nope}}]')).to.equal('[][][]');
    expect(
      render(
        '[{{agent.username}}][{{queue.name}}]',
        context({ agent: undefined, contact: model('c', { queue: undefined }) }),
      ),
    ).to.equal('[][]');
  });

  it('inserts field values verbatim, never parsing them again', () => {
    expect(render('{{attributes.Weird}}')).to.equal('{{agent.username}}');
  });

  it('refuses unknown fields and unclosed braces with a message naming them', () => {
    expect(() => parseTemplate('{{agent.password}}')).to.throw(
      TemplateError,
      /\{\{agent\.password\}\} is not a known field/,
    );
    expect(() => parseTemplate('{{constructor}}')).to.throw(TemplateError, /not a known field/);
    expect(() => parseTemplate('{{agent.__proto__}}')).to.throw(TemplateError, /not a known field/);
    expect(() => parseTemplate('{{attributes.bad key}}')).to.throw(TemplateError, /attribute name/);
    expect(() => parseTemplate('hello {{agent.username')).to.throw(TemplateError, /position 6 is not closed/);
    expect(templateFields()).to.include.members([
      'agent.username',
      'contact.initialContactId',
      'duration.connected',
      'event.at',
    ]);
  });

  it('keeps text without "{{" unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (text) => {
          const template = parseTemplate(text);
          expect(template.literal).to.equal(true);
          expect(renderTemplate(template, context())).to.equal(text);
        },
      ),
    );
  });

  it('inserts any attribute value exactly, between any literal text (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{')),
        fc.string(),
        fc.string().filter((s) => !s.includes('{')),
        (before, value, after) => {
          const ctx = context({ contact: model('c', { attributes: { X: value } }) });
          expect(render(`${before}{{attributes.X}}${after}`, ctx)).to.equal(before + value + after);
        },
      ),
    );
  });

  it('either parses any string or throws a TemplateError, nothing else (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[{}a-z. ]{0,30}$/), (source) => {
        try {
          const template = parseTemplate(source);
          expect(typeof renderTemplate(template, context())).to.equal('string');
        } catch (error) {
          expect(error).to.be.instanceOf(TemplateError);
        }
      }),
    );
  });

  it('works in a page whose Content Security Policy forbids eval', async () => {
    const frame = document.createElement('iframe');
    const moduleUrl = new URL('../../src/tagging/template.ts', import.meta.url).href;
    frame.srcdoc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">
      <script type="module">
        let evalBlocked = false;
        try { new Function('return 1')(); } catch { evalBlocked = true; }
        try {
          const { parseTemplate, renderTemplate } = await import(${JSON.stringify(moduleUrl)});
          const out = renderTemplate(parseTemplate('{{contact.channel}}-{{event.at}}'), {
            agent: undefined, times: {}, event: { type: 'acw', at: new Date(0) },
            contact: { contactId: 'c', initialContactId: 'c', instanceId: 'i', region: 'r', channel: 'chat', state: 's', queue: undefined, attributes: {} },
          });
          parent.postMessage({ evalBlocked, out }, '*');
        } catch (error) {
          parent.postMessage({ evalBlocked, error: String(error) }, '*');
        }
      </script>`;
    interface FrameAnswer {
      evalBlocked: boolean;
      out?: string;
      error?: string;
    }
    const answer = new Promise<FrameAnswer>((resolve) => {
      window.addEventListener('message', (event) => resolve(event.data as FrameAnswer), { once: true });
    });
    document.body.append(frame);
    const { evalBlocked, out, error } = await answer;
    frame.remove();
    expect(evalBlocked).to.equal(true);
    expect(error).to.equal(undefined);
    expect(out).to.equal('chat-1970-01-01T00:00:00.000Z');
  });
});
