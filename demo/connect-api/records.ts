/**
 * Contact records as the control surface and the CLI's contacts file give them: checked field by field, with a
 * TypeError naming the contact and the field.
 */
import { isRecord } from './json.ts';
import { contactChannels, keyPattern } from './rules.ts';
import type { ContactChannel, ContactRecord } from './types.ts';

/** Parses a ContactRecord or an array of them (the control surface and the CLI's contacts file). */
export function parseContactRecords(value: unknown): ContactRecord[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    const where = Array.isArray(value) ? `contact [${index}]` : 'contact';
    if (!isRecord(item)) throw new TypeError(`${where}: expected an object with instanceId, contactId, startedAt`);
    const { instanceId, contactId, startedAt } = item;
    for (const [name, member] of Object.entries({ instanceId, contactId, startedAt })) {
      if (typeof member !== 'string' || member.length === 0)
        throw new TypeError(`${where}: ${name} must be a non-empty string`);
    }
    if (Number.isNaN(Date.parse(String(startedAt)))) throw new TypeError(`${where}: startedAt must be an ISO date`);
    const record: ContactRecord = {
      instanceId: String(instanceId),
      contactId: String(contactId),
      startedAt: String(startedAt),
    };
    for (const name of [
      'initialContactId',
      'previousContactId',
      'agentId',
      'queueId',
      'queueName',
      'initiationMethod',
    ] as const) {
      const member = item[name];
      if (member === undefined) continue;
      if (typeof member !== 'string' || member.length === 0)
        throw new TypeError(`${where}: ${name} must be a non-empty string when given`);
      record[name] = member;
    }
    const channel = item['channel'];
    if (channel !== undefined) {
      if (typeof channel !== 'string' || !contactChannels.includes(channel as ContactChannel)) {
        throw new TypeError(`${where}: channel must be one of ${contactChannels.join(', ')}`);
      }
      record.channel = channel as ContactChannel;
    }
    for (const name of ['disconnectedAt', 'afterContactWorkEndedAt'] as const) {
      const member = item[name];
      if (member === undefined) continue;
      if (typeof member !== 'string' || Number.isNaN(Date.parse(member)))
        throw new TypeError(`${where}: ${name} must be an ISO date when given`);
      record[name] = member;
    }
    const attributes = item['attributes'];
    if (attributes !== undefined) {
      if (!isRecord(attributes)) throw new TypeError(`${where}: attributes must be an object of strings`);
      const flow: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of Object.entries(attributes)) {
        if (!keyPattern.test(key) || typeof value !== 'string')
          throw new TypeError(`${where}: attributes must map keys of [a-zA-Z0-9_-] to strings`);
        flow[key] = value;
      }
      record.attributes = flow;
    }
    return record;
  });
}
