/**
 * The stand-in's control surface under /_standin/ (not part of any AWS API): registering and listing contacts,
 * injecting faults, reading the request log and stored attributes, resetting, and the configuration pages read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState } from './faults.ts';
import { parseFaults } from './faults.ts';
import { readBody } from './http-body.ts';
import { parseJson } from './json.ts';
import { parseContactRecords } from './records.ts';
import type { ContactStore } from './rules.ts';
import type { LoggedRequest, StandInConfigAnswer } from './types.ts';

/** What the control surface reads and changes. */
export interface ControlContext {
  store: ContactStore;
  faults: FaultState;
  now(): number;
  requests(): LoggedRequest[];
  reset(): void;
  /** The configuration answer, with an id token issued now. */
  config(): StandInConfigAnswer;
}

const preflightMaxAgeSeconds = '600';

/** Answers one control request. */
export async function handleControl(
  context: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const cors = { 'access-control-allow-origin': '*' };
  const json = (status: number, value: unknown): void => {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      ...cors,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  };
  const noContent = (): void => {
    res.writeHead(204, cors);
    res.end();
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': preflightMaxAgeSeconds,
    });
    res.end();
    return;
  }
  const { store, faults } = context;
  const route = `${req.method ?? ''} ${path}`;
  try {
    if (route === 'POST /_standin/contacts') {
      store.register(parseContactRecords(parseJson(await readBody(req))));
      noContent();
    } else if (route === 'GET /_standin/contacts') {
      json(200, { contacts: store.list() });
    } else if (route === 'POST /_standin/faults') {
      faults.merge(parseFaults(parseJson(await readBody(req))), context.now());
      noContent();
    } else if (route === 'GET /_standin/faults') {
      json(200, { faults: faults.current() });
    } else if (route === 'GET /_standin/log') {
      json(200, { requests: context.requests() });
    } else if (route === 'POST /_standin/reset') {
      context.reset();
      noContent();
    } else if (route === 'GET /_standin/config') {
      json(200, context.config());
    } else if (req.method === 'GET' && path.startsWith('/_standin/attributes/')) {
      const [instanceId, initialContactId, ...rest] = path
        .slice('/_standin/attributes/'.length)
        .split('/')
        .map(decodeURIComponent);
      const attributes =
        instanceId && initialContactId && rest.length === 0
          ? store.attributesOf(instanceId, initialContactId)
          : undefined;
      if (attributes) json(200, { attributes });
      else json(404, { message: 'No contact with that instance and InitialContactId.' });
    } else {
      json(404, { message: `No control route ${route}.` });
    }
  } catch (error) {
    json(400, { message: error instanceof Error ? error.message : String(error) });
  }
}
