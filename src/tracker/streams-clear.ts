/**
 * Clearing a contact through Streams, as the CCP's own Clear button does: `contact.clear()` sends the CCP a
 * `clearContact` request and calls back once the CCP answered (Contact.prototype.clear and ClientBase.call in
 * node_modules/amazon-connect-streams/release/connect-streams.js; the callbacks' shapes in src/index.d.ts,
 * SuccessFailOptions). The CCP then ends the contact's after-contact work and Streams reports it destroyed.
 */
import { orAbort } from '../deadline.ts';

/** What is needed of Streams: the agent's contacts of the latest snapshot. */
interface StreamsAgentLike {
  Agent: new () => { getContacts(): connect.Contact[] };
}

/** The CCP's answer to a failed request: a string, or an object with a message or type. */
function reasonOf(error: unknown): string {
  if (typeof error === 'string' && error !== '') return error;
  if (error !== null && typeof error === 'object') {
    const { message, type } = error as { message?: unknown; type?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (typeof type === 'string' && type !== '') return type;
  }
  return 'the CCP refused the request';
}

/** Clears the contact; resolves once the CCP accepted, rejects with its refusal or the signal's reason. */
export function clearStreamsContact(streams: StreamsAgentLike, contactId: string, signal: AbortSignal): Promise<void> {
  const contact = new streams.Agent().getContacts().find((candidate) => candidate.getContactId() === contactId);
  if (!contact) return Promise.reject(new Error(`The CCP has no contact ${contactId}.`));
  const cleared = new Promise<void>((resolve, reject) => {
    contact.clear({
      success: () => resolve(),
      failure: (error: unknown) => reject(new Error(reasonOf(error))),
    });
  });
  return orAbort(cleared, signal);
}
