// The README's React pattern, in React 19's StrictMode (development build: every effect runs, is cleaned up and runs
// again): createCcpAttributes in an effect that creates the CCP in a container the component renders, with the REAL
// amazon-connect-streams on the stand-in CCP (demo/ccp/), the real AWS SDK against the Connect API stand-in and the
// real IndexedDB outbox. Streams refuses a second initCCP while its frame exists, and dispose() leaves the CCP in
// place, so the second run attaches to the CCP the first one created. React.createElement keeps the file free of JSX.
import { expect } from '@open-wc/testing';
import { createElement, Fragment, StrictMode, useEffect, useRef, useState, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { CcpAttributesComponent, type CcpAttributes } from '../../components/react.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { createCcpAttributes, type CcpAttributesPlugin, type CcpAttributesPluginOptions } from '../../src/plugin.ts';
import { CCP_IFRAME_NAME } from '../../src/tracker/streams-read.ts';
import { button, control, settle, typeInto } from '../components/fakes.ts';
import { requestLog, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, scenario, until } from '../tracker/helpers.ts';

/** What the test sees of the component's life: every plugin created, and each one's end. */
interface Lifecycle {
  created: CcpAttributesPlugin[];
  disposed: CcpAttributesPlugin[];
  problem?: string;
}

/**
 * The README's component: the plugin made once per mount in an effect, disposed on unmount (or at once when the
 * effect was cleaned up before creation finished), a rejection shown instead of the editor.
 */
function AgentDesk(props: { options: () => CcpAttributesPluginOptions; life: Lifecycle }): ReactElement {
  const ccp = useRef<HTMLDivElement>(null);
  const [plugin, setPlugin] = useState<CcpAttributesPlugin>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    let active = true;
    let created: CcpAttributesPlugin | undefined;
    const container = ccp.current;
    if (!container) return;
    createCcpAttributes({ ...props.options(), tracker: { ...props.options().tracker, container } }).then(
      (ready) => {
        props.life.created.push(ready);
        const plugin: CcpAttributesPlugin = {
          ...ready,
          dispose: () => {
            props.life.disposed.push(ready);
            ready.dispose();
          },
        };
        if (active) setPlugin((created = plugin));
        else plugin.dispose();
      },
      (error: unknown) => {
        props.life.problem = error instanceof Error ? error.message : String(error);
        if (active) setProblem(props.life.problem);
      },
    );
    return () => {
      active = false;
      created?.dispose();
    };
  }, [props.options, props.life]);
  return createElement(
    Fragment,
    null,
    createElement('div', { ref: ccp, className: 'ccp', style: { width: 320, height: 400 } }),
    problem
      ? createElement('p', { role: 'alert' }, problem)
      : plugin && createElement(CcpAttributesComponent, { tracker: plugin.tracker, writer: plugin.outbox }),
  );
}

describe('ccp-attributes in React 19 StrictMode: the plugin made in an effect, with the CCP it creates', () => {
  let host: HTMLElement;
  let root: Root;
  let options: () => CcpAttributesPluginOptions;

  before(async () => {
    const config = await standInConfig();
    const initCCP = await ccpOptions();
    options = () => ({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      rules: [{ id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } }],
      tracker: { initCCP },
    });
  });

  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
  });

  afterEach(() => {
    root.unmount();
    host.remove();
  });

  function mount(life: Lifecycle, given = options): void {
    root.render(createElement(StrictMode, null, createElement(AgentDesk, { options: given, life })));
  }

  const frames = (): HTMLIFrameElement[] =>
    [...document.getElementsByTagName('iframe')].filter((frame) => frame.name === CCP_IFRAME_NAME);
  const updates = async (): Promise<number> =>
    (await requestLog()).filter((entry) => entry.action === 'UpdateContactAttributes').length;

  /** A chat accepted in the stand-in CCP, once the editor shows it connected; its rule tag and instance. */
  async function connectedChat(ccp: StandInCcp, el: CcpAttributes): Promise<{ id: string; instanceId: string }> {
    const id = await ccp.startChat({ attributes: { topic: 'billing' } });
    await ccp.accept(id);
    const contact = await until(
      () => (el.contact?.contactId === id && el.contact.state === 'connected' ? el.contact : undefined),
      'the chat, connected, in the editor',
    );
    return { id, instanceId: contact.instanceId };
  }

  it("runs the effect twice: the second plugin attaches to the first one's CCP (one frame), tags once and saves", async () => {
    const life: Lifecycle = { created: [], disposed: [] };
    const before = await updates();
    mount(life);
    const el = await until(() => host.querySelector('ccp-attributes'), 'the editor');
    await until(() => life.created.length === 2 && life.disposed.length === 1, 'both runs of the effect, one undone');
    // The cleaned-up run's plugin is disposed as soon as it is ready (whichever of the two finishes first).
    const [undone] = life.disposed;
    const kept = life.created.find((plugin) => plugin !== undone);
    expect(life.created).to.include(undone);
    expect(el.tracker, 'the editor uses the other').to.equal(kept?.tracker);
    expect(frames(), 'one CCP frame, in the component').to.have.length(1);
    expect(host.querySelector('.ccp')?.contains(frames()[0]!)).to.equal(true);

    const ccp = await scenario();
    const { id, instanceId } = await connectedChat(ccp, el);
    const tags = await until(async () => (await storedAttributes(instanceId, id))?.['HandledBy'], 'the rule tag');
    expect(tags).to.equal(ccp.config.agent);
    await settle(el);
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Save').click();
    await until(async () => (await storedAttributes(instanceId, id))?.['topic'] === 'refund', 'the saved edit');
    expect(await updates(), 'one request for the rule (the disposed plugin wrote nothing), one for the save').to.equal(
      before + 2,
    );
    expect(life.problem).to.equal(undefined);

    // Unmounting disposes the plugin; dispose() leaves the CCP to Streams, and its frame leaves the page with the
    // component's element. Mounted again, the new plugin finds no CCP frame: Streams would refuse a second initCCP
    // while still initialised (its connect.core.initialized), so the tracker terminates the dead CCP and makes a
    // fresh one in the new container, which works.
    const frame = frames()[0]!;
    root.unmount();
    expect(life.disposed).to.have.length(2);
    expect(frame.isConnected, 'the frame went with the component').to.equal(false);
    expect((connect.core as unknown as { initialized: boolean }).initialized, 'Streams is still initialised').to.equal(
      true,
    );
    root = createRoot(host);
    const again: Lifecycle = { created: [], disposed: [] };
    mount(again);
    const second = await until(() => host.querySelector('ccp-attributes'), 'the editor again');
    await until(() => again.created.length === 2, 'the effect ran twice again');
    await until(() => frames().length === 1 && host.querySelector('.ccp')?.contains(frames()[0]!), 'a fresh CCP frame');
    const fresh = await scenario();
    const chat = await connectedChat(fresh, second);
    expect(
      await until(async () => (await storedAttributes(chat.instanceId, chat.id))?.['HandledBy'], 'the rule tag'),
    ).to.equal(fresh.config.agent);
    for (const contact of fresh.contacts()) await fresh.clear(contact.contactId);
  });

  it('a rejected createCcpAttributes (a mistyped rule event) is shown instead of the editor', async () => {
    const life: Lifecycle = { created: [], disposed: [] };
    const broken = (): CcpAttributesPluginOptions => ({
      ...options(),
      rules: [{ id: 'typo', on: 'conected' as 'connected', set: { A: 'b' } }],
    });
    mount(life, broken);
    const alert = await until(() => host.querySelector('[role="alert"]'), 'the problem shown');
    expect(alert.textContent).to.contain('conected');
    expect(life.created).to.have.length(0);
    expect(host.querySelector('ccp-attributes')).to.equal(null);
  });
});
