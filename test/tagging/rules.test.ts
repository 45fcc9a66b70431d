// Validation of tagging rules given as JSON: clear errors naming the rule and the field.
import { expect } from '@open-wc/testing';
import { matches, parseRules, TagRuleError } from '../../src/tagging/index.ts';
import { agent, model } from './fake-tracker.ts';

function problemsOf(input: unknown): string[] {
  try {
    parseRules(input);
  } catch (error) {
    expect(error).to.be.instanceOf(TagRuleError);
    return (error as TagRuleError).problems.map((p) => `${p.index}|${p.rule ?? ''}|${p.field}`);
  }
  throw new Error('expected parseRules to throw');
}

describe('parseRules', () => {
  it('accepts rules as a JSON string, a list or {rules: [...]}, with ids defaulting to the name, then rule-<index>', () => {
    const json = JSON.stringify([
      { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } },
      {
        name: 'acw time',
        on: ['acw', 'ended'],
        when: { channel: ['voice', 'chat'], queue: 'Sales', attributes: { VIP: { present: true } } },
        set: { AcwAt: '{{event.at}}' },
      },
      { on: 'missed', set: { Missed: 'yes' } },
    ]);
    const rules = parseRules(json);
    expect(rules.map((r) => r.id)).to.deep.equal(['handled-by', 'acw time', 'rule-2']);
    expect(rules[1]!.on).to.deep.equal(['acw', 'ended']);
    expect(rules[0]!.templates.get('HandledBy')!.literal).to.equal(false);
    expect(parseRules({ rules: JSON.parse(json) as unknown[] })).to.have.length(3);
  });

  it('lists every problem at once, naming the rule by index and id or name, and the field', () => {
    const error = (() => {
      try {
        parseRules([
          { id: 'a', on: 'answered', set: { 'Bad Key': 'x' } },
          { name: 'b', on: 'connected', set: { Ok: '{{agent.usrname}}' }, extra: 1 },
          { on: 'acw', when: { channel: 'fax', attributes: { VIP: { maybe: true } } }, set: {} },
          'not a rule',
          { id: 'a', on: 'acw', set: { N: 5 } },
        ]);
      } catch (e) {
        return e as TagRuleError;
      }
      throw new Error('expected a throw');
    })();
    const found = error.problems.map((p) => `${p.index}|${p.rule ?? ''}|${p.field}`);
    expect(found).to.deep.equal([
      '0|a|on',
      '0|a|set.Bad Key',
      '1|b|extra',
      '1|b|set.Ok',
      '2||when.channel',
      '2||when.attributes.VIP',
      '2||set',
      '3||',
      '4|a|id',
      '4|a|set.N',
    ]);
    expect(error.message).to.contain('rules[1] "b" set.Ok: {{agent.usrname}} is not a known field');
    expect(error.message).to.contain('rules[0] "a" on: "answered" is not an event');
    expect(error.message).to.contain('10 problems');
  });

  it('reports bad JSON and a non-list clearly', () => {
    expect(problemsOf('[{')).to.deep.equal(['-1||']);
    expect(() => parseRules('{"on": "acw"}')).to.throw(TagRuleError, /expected a list of rules/);
  });

  it('accepts functions as values from JavaScript', () => {
    const rules = parseRules([
      {
        id: 'f',
        on: 'connected',
        set: { Upper: (c: { contact: { contactId: string } }) => c.contact.contactId.toUpperCase() },
      },
    ]);
    expect(typeof rules[0]!.set['Upper']).to.equal('function');
  });

  it('evaluates conditions on channel, queue name and attributes present, absent or equal', () => {
    const at = new Date();
    const context = (overrides: Parameters<typeof model>[1]) => ({
      agent,
      contact: model('c1', overrides),
      event: { type: 'connected' as const, at },
      times: {},
    });
    const vip = context({ attributes: { VIP: 'gold' } });
    expect(matches({ channel: 'voice' }, vip)).to.equal(true);
    expect(matches({ channel: ['chat', 'task'] }, vip)).to.equal(false);
    expect(matches({ queue: ['Support', 'Sales'] }, vip)).to.equal(true);
    expect(matches({ queue: 'Support' }, vip)).to.equal(false);
    expect(matches({ queue: 'Sales' }, context({ queue: undefined }))).to.equal(false);
    expect(matches({ attributes: { VIP: { present: true } } }, vip)).to.equal(true);
    expect(matches({ attributes: { VIP: { absent: true } } }, vip)).to.equal(false);
    expect(matches({ attributes: { Other: { absent: true } } }, vip)).to.equal(true);
    expect(matches({ attributes: { VIP: { equals: 'gold' } } }, vip)).to.equal(true);
    expect(matches({ attributes: { VIP: { equals: ['silver', 'bronze'] } } }, vip)).to.equal(false);
    expect(matches({ channel: 'voice', attributes: { VIP: { equals: 'silver' } } }, vip)).to.equal(false);
    expect(matches(undefined, vip)).to.equal(true);
  });
});
