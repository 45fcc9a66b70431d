// The browsers' outcome sockets in the relay fleet bench (queued mode, outcomes pushed): each agent's RelayClient gets
// this WebSocket, Node's own (undici's, the WHATWG API the browser has), counting what the fleet sends and receives.

/** What the fleet's sockets did. */
export interface SocketCounts {
  /** Connections opened (a reconnect opens another). */
  opened: number;
  /** Subscriptions the relay confirmed (`subscribed`). */
  subscribed: number;
  /** Messages the browsers sent, by action (subscribe, ping). */
  sent: Map<string, number>;
  /** Frames of outcomes the relay pushed (backlogs apart). */
  pushes: number;
  backlogs: number;
}

export function socketCounts(): SocketCounts {
  return { opened: 0, subscribed: 0, sent: new Map(), pushes: 0, backlogs: 0 };
}

/** A WebSocket constructor for RelayClient's `WebSocket` option that counts into `counts`. */
export function countingWebSocket(counts: SocketCounts): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      counts.opened++;
      this.addEventListener('message', (event: MessageEvent) => {
        const message = JSON.parse(String(event.data)) as { type?: string; backlog?: boolean };
        if (message.type === 'subscribed') counts.subscribed++;
        else if (message.type === 'outcomes') {
          if (message.backlog) counts.backlogs++;
          else counts.pushes++;
        }
      });
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      // The feed sends JSON text only (src/relay-feed.ts).
      const { action } = JSON.parse(typeof data === 'string' ? data : '{}') as { action?: string };
      counts.sent.set(action ?? '?', (counts.sent.get(action ?? '?') ?? 0) + 1);
      super.send(data);
    }
  };
}
