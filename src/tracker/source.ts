/**
 * The boundary between the contact tracker and the host that delivers contacts: Streams in a custom CCP page
 * (`streams-source.ts`) or the Amazon Connect SDK in an agent workspace app (`workspace-source.ts` and its parts). A source
 * reports raw facts; the tracker derives the model (instance, merged attributes, the viewed contact, events).
 */
import type { AttributesError } from '../errors.ts';
import type { HostConnection } from './types.ts';

/** Lifecycle facts a source reports; `refresh` means the contact's data may have changed. */
export type SourceEventType =
  'connecting' | 'accepted' | 'connected' | 'missed' | 'acw' | 'ended' | 'destroyed' | 'refresh';

/** One contact as the source sees it now. */
export interface SourceContact {
  contactId: string;
  /** As the host gives it; the tracker falls back to contactId when missing. */
  initialContactId: string | null | undefined;
  /** The host's channel name (`voice`, `chat`, `task`, `email`, `queue_callback`, ...). */
  type: string;
  /** The host's state name (`connecting`, `connected`, `ended`, `missed`, ...). */
  state: string;
  queue: { name: string; arn: string | undefined } | undefined;
  /** Attributes in whatever shape the host uses; the tracker normalises them. `null` while monitoring. */
  attributes: unknown;
  monitoring: boolean;
}

/** The logged-in agent as the source sees it. */
export interface SourceAgent {
  username: string;
  name: string;
  arn: string;
  routingProfile: { name: string; arn: string } | undefined;
  /** The agent's language (a tag like `de_DE` or `pt-BR`), when the host gives it. */
  locale?: string;
}

/** A lifecycle fact about one contact. `contact` is the latest data the source could read (required for `destroyed`). */
export interface SourceContactEvent {
  type: SourceEventType;
  contactId: string;
  contact: SourceContact | undefined;
}

/** What a source calls back with. */
export interface SourceSink {
  /** The agent became known or changed. */
  agent(agent: SourceAgent): void;
  /** A lifecycle fact or a refresh. Contacts that existed before `start` are reported too, as the host would have. */
  contact(event: SourceContactEvent): void;
  /** The agent switched the contact on screen. */
  view(contactId: string): void;
  /** Something the integrator should know (e.g. the host could not be reached). */
  error(error: AttributesError): void;
  /**
   * Whether the host answers, when the source learns it (signed out, unreachable, connected again). A source that
   * never calls it is taken as connected once it reports the agent or a contact.
   */
  connection(state: HostConnection): void;
}

/** A host of contacts: subscribe, list, read. */
export interface ContactSource {
  /** Starts delivering to `sink` (possibly later, once the host is ready); idempotent until `stop`. */
  start(sink: SourceSink): void;
  /** Unsubscribes everything `start` subscribed. */
  stop(): void;
  /** The contacts the host has now (empty before it is ready). */
  listContacts(): SourceContact[];
  /** One contact now, or undefined when the host no longer has it. */
  readContact(contactId: string): SourceContact | undefined;
  /** The agent now, or undefined before the host is ready. */
  readAgent(): SourceAgent | undefined;
  /**
   * Asks the host to clear the contact (end its after-contact work and close it, as the agent's Clear button does);
   * resolves once the host accepted, rejects with the host's error or the signal's reason. A host without it cannot
   * clear contacts for the page.
   */
  clear?(contactId: string, signal: AbortSignal): Promise<void>;
  /**
   * Holds the host's own Clear action while `ready` says no (the workspace's clear-contact interceptor); returns the
   * function that stops. A host whose Clear cannot be held (Streams' CCP) has none.
   */
  interceptClear?(ready: ClearCheck): () => void;
}

/** Whether a contact may be cleared now; may save and wait until `signal` aborts (the host's time limit). */
export type ClearCheck = (contactId: string, signal: AbortSignal) => Promise<boolean>;
