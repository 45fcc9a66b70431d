/**
 * The contact store and the rules of UpdateContactAttributes / GetContactAttributes.
 *
 * Sources: the API reference page of UpdateContactAttributes and botocore's model
 * (data/connect/2017-08-08/service-2.json): InstanceId 1..100 chars, InitialContactId (ContactId) 1..256,
 * AttributeName 1..32,767, AttributeValue 0..32,767, all three members required; "up to 32,768 UTF-8 bytes across
 * all attributes for a contact"; keys "can include only alphanumeric, dash, and underscore characters"; a 400 for
 * contacts that started before the API's release on 2018-09-12; works for ongoing and completed contacts.
 *
 * Error types chosen: a member that is missing or breaks its own constraint is an InvalidParameterException (the
 * model's "One or more of the specified parameters are not valid"); a request whose members are each valid but that
 * the contact cannot take (the merged total over 32,768 bytes, a contact older than the API) is an
 * InvalidRequestException ("The request is not valid"). InvalidRequestException's `Reason` member is a union whose
 * only variant is `AttachedFileInvalidRequestExceptionReason` (client-connect dist-es/schemas/schemas_0.js
 * `InvalidRequestExceptionReason$`), so no Reason fits these cases and the stand-in sends none: the Message explains.
 */
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import type { ContactChannel, ContactRecord } from './types.ts';

/** Channels a registered contact may have (DescribeContact's `Channel`). */
export const contactChannels: readonly ContactChannel[] = ['VOICE', 'CHAT', 'TASK', 'EMAIL'];

/** Most UTF-8 bytes a contact's attributes may hold, keys and values counted (API reference). */
export const maxAttributeBytes = 32_768;
/** Longest key (botocore: AttributeName max 32767). */
export const maxKeyLength = 32_767;
/** Longest value (botocore: AttributeValue max 32767). */
export const maxValueLength = 32_767;
/** Longest InitialContactId (botocore: ContactId max 256). */
export const maxContactIdLength = 256;
/** Longest InstanceId (botocore: InstanceId max 100). */
export const maxInstanceIdLength = 100;
/** Contacts that started before this instant cannot be updated (the API's release, 2018-09-12). */
export const apiReleaseMs = Date.UTC(2018, 8, 12);

/** What an attribute key may hold (API reference). */
export const keyPattern = /^[a-zA-Z0-9_-]+$/;

/** The attribute store shared by a chain of contacts (all contacts with one InitialContactId). */
interface Chain {
  startedAtMs: number;
  attributes: Map<string, string>;
  /** What contact flows set (registered with the contacts); a reset goes back to these. */
  flowAttributes: Map<string, string>;
}

/** A registered contact: its record with the defaults filled in. */
export type StoredContact = ContactRecord & { initialContactId: string };

/** The initiation method of a registered contact: its own, else INBOUND for the first leg and TRANSFER after it. */
export function initiationMethodOf(contact: StoredContact): string {
  return contact.initiationMethod ?? (contact.initialContactId === contact.contactId ? 'INBOUND' : 'TRANSFER');
}

/** UTF-8 size of a set of attributes, keys and values counted. */
export function attributeBytes(attributes: Iterable<[string, string]>): number {
  let total = 0;
  for (const [key, value] of attributes) total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  return total;
}

/** Registered contacts and the attributes stored per (InstanceId, InitialContactId). */
export class ContactStore {
  readonly #contacts = new Map<string, StoredContact>();
  readonly #chains = new Map<string, Chain>();
  readonly #instances = new Set<string>();

  /**
   * Registers contacts, or updates registered ones (fields left out keep their value, so a disconnect can be marked
   * with the contact's ids and `disconnectedAt` alone). Attributes already stored for their chain are kept; the
   * record's `attributes` are merged into the chain as a contact flow sets them.
   */
  register(records: readonly ContactRecord[]): void {
    for (const input of records) {
      const previous = this.#contacts.get(chainKey(input.instanceId, input.contactId));
      const { attributes: flowAttributes, ...fields } = input;
      const record: StoredContact = {
        ...previous,
        ...fields,
        initialContactId: input.initialContactId ?? previous?.initialContactId ?? input.contactId,
      };
      const startedAtMs = Date.parse(record.startedAt);
      this.#instances.add(record.instanceId);
      this.#contacts.set(chainKey(record.instanceId, record.contactId), record);
      const key = chainKey(record.instanceId, record.initialContactId);
      let chain = this.#chains.get(key);
      if (chain) chain.startedAtMs = Math.min(chain.startedAtMs, startedAtMs);
      else this.#chains.set(key, (chain = { startedAtMs, attributes: new Map(), flowAttributes: new Map() }));
      for (const [name, value] of Object.entries(flowAttributes ?? {})) {
        chain.flowAttributes.set(name, value);
        chain.attributes.set(name, value);
      }
    }
  }

  /** A registered contact (any leg of a chain), or undefined. */
  contact(instanceId: string, contactId: string): StoredContact | undefined {
    const record = this.#contacts.get(chainKey(instanceId, contactId));
    return record && { ...record };
  }

  /** The name of a queue some registered contact of the instance was routed through, or undefined. */
  queueName(instanceId: string, queueId: string): string | undefined {
    for (const record of this.#contacts.values()) {
      if (record.instanceId === instanceId && record.queueId === queueId) return record.queueName ?? queueId;
    }
    return undefined;
  }

  /** Whether any contact of this instance was registered. */
  hasInstance(instanceId: string): boolean {
    return this.#instances.has(instanceId);
  }

  /** Every registered contact with the attributes of its chain. */
  list(): Array<StoredContact & { attributes: Record<string, string> }> {
    return [...this.#contacts.values()].map((record) => ({
      ...record,
      attributes: this.attributesOf(record.instanceId, record.initialContactId) ?? {},
    }));
  }

  /** The stored attributes of a chain, or undefined when no contact has that InitialContactId. */
  attributesOf(instanceId: string, initialContactId: string): Record<string, string> | undefined {
    const chain = this.#chains.get(chainKey(instanceId, initialContactId));
    return chain ? Object.fromEntries(chain.attributes) : undefined;
  }

  /** Forgets every attribute written through the API, keeping the contacts and what their flows set. */
  clearAttributes(): void {
    for (const chain of this.#chains.values()) chain.attributes = new Map(chain.flowAttributes);
  }

  /** UpdateContactAttributes on an already validated request: merge, or refuse without storing anything. */
  update(request: UpdateRequest): void {
    const chain = this.#find(request.InstanceId, request.InitialContactId);
    if (chain.startedAtMs < apiReleaseMs) {
      throw new ApiError(
        400,
        'InvalidRequestException',
        'Contact attributes cannot be updated for contacts that started before 2018-09-12, the release of the UpdateContactAttributes API.',
      );
    }
    // A merge, not a replace (API reference: "Creates or updates"); the budget counts the stored result.
    const merged = new Map(chain.attributes);
    for (const [key, value] of Object.entries(request.Attributes)) merged.set(key, value);
    const bytes = attributeBytes(merged);
    if (bytes > maxAttributeBytes) {
      throw new ApiError(
        400,
        'InvalidRequestException',
        `The attributes of a contact are limited to ${maxAttributeBytes} UTF-8 bytes across all keys and values; this update would store ${bytes}.`,
      );
    }
    chain.attributes = merged;
  }

  /** GetContactAttributes on an already validated request. */
  get(instanceId: string, initialContactId: string): Record<string, string> {
    return Object.fromEntries(this.#find(instanceId, initialContactId).attributes);
  }

  #find(instanceId: string, initialContactId: string): Chain {
    if (!this.#instances.has(instanceId)) {
      throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);
    }
    const chain = this.#chains.get(chainKey(instanceId, initialContactId));
    if (!chain) throw new ApiError(404, 'ResourceNotFoundException', `Contact ${initialContactId} not found.`);
    return chain;
  }
}

/** A well-formed UpdateContactAttributes request body. */
export interface UpdateRequest {
  InstanceId: string;
  InitialContactId: string;
  Attributes: Record<string, string>;
}

/** Checks an UpdateContactAttributes body member by member (InvalidParameterException listing every violation). */
export function validateUpdate(body: unknown): UpdateRequest {
  if (!isRecord(body))
    throw invalidParameter(['Value at the request body failed to satisfy constraint: Member must be an object']);
  const problems: string[] = [];
  const instanceId = body['InstanceId'];
  const initialContactId = body['InitialContactId'];
  const attributes = body['Attributes'];
  checkId(problems, instanceId, 'instanceId', maxInstanceIdLength);
  checkId(problems, initialContactId, 'initialContactId', maxContactIdLength);
  if (attributes === undefined || attributes === null) {
    problems.push("Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  } else if (!isRecord(attributes)) {
    problems.push("Value at 'attributes' failed to satisfy constraint: Member must be a map of strings");
  } else {
    for (const [key, value] of Object.entries(attributes)) {
      if (key.length < 1 || key.length > maxKeyLength) {
        problems.push(
          `Value at 'attributes' failed to satisfy constraint: Map keys must have length between 1 and ${maxKeyLength}`,
        );
      } else if (!keyPattern.test(key)) {
        problems.push(
          `Value '${preview(key)}' at 'attributes' failed to satisfy constraint: Map keys must satisfy regular expression pattern: [a-zA-Z0-9_-]+`,
        );
      }
      if (typeof value !== 'string') {
        problems.push(`Value at 'attributes.${preview(key)}' failed to satisfy constraint: Member must be a string`);
      } else if (value.length > maxValueLength) {
        problems.push(
          `Value at 'attributes.${preview(key)}' failed to satisfy constraint: Member must have length less than or equal to ${maxValueLength}`,
        );
      }
    }
  }
  if (
    problems.length > 0 ||
    typeof instanceId !== 'string' ||
    typeof initialContactId !== 'string' ||
    !isRecord(attributes)
  ) {
    throw invalidParameter(problems);
  }
  return {
    InstanceId: instanceId,
    InitialContactId: initialContactId,
    Attributes: attributes as Record<string, string>,
  };
}

/** Checks the two labels of GetContactAttributes (already percent-decoded). */
export function validateGet(instanceId: string, initialContactId: string): void {
  const problems: string[] = [];
  checkId(problems, instanceId, 'instanceId', maxInstanceIdLength);
  checkId(problems, initialContactId, 'initialContactId', maxContactIdLength);
  if (problems.length > 0) throw invalidParameter(problems);
}

function checkId(problems: string[], value: unknown, member: string, max: number): void {
  if (value === undefined || value === null) {
    problems.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  } else if (typeof value !== 'string') {
    problems.push(`Value at '${member}' failed to satisfy constraint: Member must be a string`);
  } else if (value.length < 1 || value.length > max) {
    problems.push(`Value at '${member}' failed to satisfy constraint: Member must have length between 1 and ${max}`);
  }
}

function invalidParameter(problems: readonly string[]): ApiError {
  const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
  return new ApiError(400, 'InvalidParameterException', count + problems.join('; '));
}

/** At most 40 characters of user input in a message, so a 32 KB value never ends up in one. */
function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function chainKey(instanceId: string, contactId: string): string {
  return `${instanceId}\u0000${contactId}`;
}
