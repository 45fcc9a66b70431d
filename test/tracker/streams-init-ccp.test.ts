// How the tracker asks Streams to create the CCP: the container as a page has it (`document.querySelector` gives
// Element | null), with a clear TypeError at once when it is null or cannot hold the CCP's iframe; and the framed
// softphone unless the page's initCCP options say otherwise.
import { expect } from '@open-wc/testing';
import { createStreamsTracker, type StreamsGlobal } from '../../src/tracker/streams-source.ts';

const initCCP = { ccpUrl: 'https://example.my.connect.aws/ccp-v2/' };

/** A Streams global that records where and how initCCP was asked to create the CCP (and never attaches). */
function fakeStreams(): { streams: StreamsGlobal; containers: Element[]; options: connect.InitCCPOptions[] } {
  const containers: Element[] = [];
  const options: connect.InitCCPOptions[] = [];
  const streams = {
    core: {
      initialized: false,
      getEventBus: () => undefined,
      initCCP: (container: Element, given: connect.InitCCPOptions) => {
        containers.push(container);
        options.push(given);
      },
    },
    agent: { initialized: false },
  } as unknown as StreamsGlobal;
  return { streams, containers, options };
}

/** The initCCP options Streams receives for the page's `initCCP`. */
async function initCcpOptions(given: connect.InitCCPOptions): Promise<connect.InitCCPOptions | undefined> {
  const div = document.createElement('div');
  document.body.append(div);
  const { streams, options } = fakeStreams();
  const tracker = createStreamsTracker({ streams, initCCP: given, container: div });
  await new Promise((resolve) => setTimeout(resolve, 20));
  tracker.dispose();
  div.remove();
  return options[0];
}

function refusal(container: unknown): TypeError {
  try {
    // What a JavaScript page or a querySelector result can pass.
    createStreamsTracker({ ...fakeStreams(), initCCP, container: container as Element | null }).dispose();
  } catch (error) {
    expect(error).to.be.instanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('expected a TypeError');
}

describe('the CCP container option', () => {
  it('refuses null (document.querySelector found nothing) with a message that says so', () => {
    expect(refusal(document.querySelector('#no-such-element')).message).to.equal(
      'createStreamsTracker: `container` must be an element that can hold the CCP iframe, like a <div> (got null: no element found?).',
    );
  });

  it('refuses what cannot hold the iframe: a string, an <img>, an SVG element', () => {
    expect(refusal('#ccp').message).to.equal(
      'createStreamsTracker: `container` must be an element that can hold the CCP iframe, like a <div> (got string).',
    );
    expect(refusal(document.createElement('img')).message).to.equal(
      'createStreamsTracker: `container` must be an element that can hold the CCP iframe, like a <div> (got <img>).',
    );
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    expect(refusal(svg).message).to.equal(
      'createStreamsTracker: `container` must be an element that can hold the CCP iframe, like a <div> (got <g>).',
    );
  });

  it('hands the element a query found to Streams', async () => {
    const div = document.createElement('div');
    div.id = 'ccp-container-test';
    document.body.append(div);
    const { streams, containers } = fakeStreams();
    const tracker = createStreamsTracker({
      streams,
      initCCP,
      container: document.querySelector('#ccp-container-test'),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    tracker.dispose();
    div.remove();
    expect(containers[0]).to.equal(div);
  });
});

describe('the softphone the tracker asks Streams for', () => {
  it('is the framed softphone when the page says nothing (Streams alone would set up none in its frame)', async () => {
    expect(await initCcpOptions(initCCP)).to.deep.equal({ ...initCCP, softphone: { allowFramedSoftphone: true } });
  });

  it("is the page's own choice when it gives one", async () => {
    const own = { ...initCCP, softphone: { allowFramedSoftphone: false, disableRingtone: true } };
    expect(await initCcpOptions(own)).to.deep.equal(own);
  });
});

describe('a CCP the page already holds', () => {
  it('is kept when its frame is in a shadow root with the container: no terminate, no second initCCP', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const div = document.createElement('div');
    host.attachShadow({ mode: 'open' }).append(div);
    // The frame Streams made in the container (a component that renders into its shadow root, as Lit elements do).
    const frame = document.createElement('iframe');
    frame.name = 'Amazon Connect CCP';
    div.append(frame);
    const { streams, containers } = fakeStreams();
    let terminated = 0;
    Object.assign(streams.core, {
      initialized: true,
      terminate: () => {
        terminated++;
      },
    });
    const tracker = createStreamsTracker({ streams, initCCP, container: div });
    await new Promise((resolve) => setTimeout(resolve, 20));
    tracker.dispose();
    host.remove();
    expect(terminated, 'the live CCP is not terminated').to.equal(0);
    expect(containers, 'no second CCP').to.deep.equal([]);
  });
});
