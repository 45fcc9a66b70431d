/**
 * The contact tracker's public model: what the widget, the tagging engine and host pages see of
 * the agent's contacts, independent of where the events come from (Streams in a custom CCP page,
 * the Amazon Connect SDK in an agent workspace app; see source.ts).
 */
import type { AttributesError } from '../errors.ts';
import type { Attributes } from '../validate.ts';

/** The channel of a contact. */
export type Channel = 'voice' | 'chat' | 'task' | 'email' | 'callback' | 'unknown';

/** Lifecycle events the tracker reports, in the order a contact meets them. */
export type ContactEventType =
  'connecting' | 'accepted' | 'connected' | 'missed' | 'acw' | 'ended' | 'destroyed' | 'viewed';

/** Everything the tracker reports. `change` fires after any change to the model (a new contact, new attributes, ...). */
export type TrackerEventType = ContactEventType | 'change' | 'error';

/** The logged-in agent. */
export interface AgentInfo {
  username: string;
  name: string;
  arn: string;
  routingProfile: { name: string; arn: string } | undefined;
  /** The agent's language as the host gives it (Streams: `agentPreferences.locale`, like `de_DE`), when it gives one. */
  locale?: string;
}

/** Where a contact's instance id and region were read from: the page's configuration, else an ARN (most trusted first). */
export type ArnSource = 'configured' | 'routing-profile' | 'agent' | 'queue';

/** One contact as the tracker knows it. */
export interface ContactModel {
  contactId: string;
  /** The id UpdateContactAttributes wants: `getInitialContactId()`, falling back to contactId. */
  initialContactId: string;
  /** The Amazon Connect instance id, parsed from an ARN; empty when no ARN parsed (see `instanceError`). */
  instanceId: string;
  /** The AWS region, parsed from the same ARN. */
  region: string;
  /** Which ARN gave instanceId and region. */
  arnSource: ArnSource | undefined;
  /** Why instanceId and region are unknown, when they are. */
  instanceError: AttributesError | undefined;
  channel: Channel;
  /** Streams' contact state type: 'incoming', 'connecting', 'connected', 'ended', 'missed', ... */
  state: string;
  queue: { name: string; arn: string | undefined } | undefined;
  /** Attributes from the latest snapshot merged with what this plugin wrote (later writes win). */
  attributes: Attributes;
  /** True while the agent only monitors the contact (Streams gives no attributes then). */
  monitoring: boolean;
  /** True once the contact reached ACW or ended. */
  ended: boolean;
}

/** One lifecycle event. */
export interface ContactEvent {
  type: ContactEventType;
  contact: ContactModel;
  agent: AgentInfo | undefined;
  /** When the tracker saw the event. */
  at: Date;
}

/** Listener arguments per event type. */
export interface TrackerEventMap {
  connecting: ContactEvent;
  accepted: ContactEvent;
  connected: ContactEvent;
  missed: ContactEvent;
  acw: ContactEvent;
  ended: ContactEvent;
  destroyed: ContactEvent;
  viewed: ContactEvent;
  change: ContactTrackerState;
  error: AttributesError;
}

/**
 * Whether the host of contacts answers (what an editor says before a contact):
 * - `connecting`: the host has not answered yet (Streams: no CCP acknowledgement yet; the workspace: no handshake);
 * - `connected`: the host answers (Streams: the CCP acknowledged or sent the agent; the workspace: the agent arrived);
 * - `signed-out`: the host asks the agent to sign in (Streams: the CCP did not acknowledge within `ccpLoadTimeout`,
 *   which is what a CCP showing its login page does and what Streams answers with its login window, or it reported
 *   an authentication failure or a logout);
 * - `unreachable`: the host cannot be reached (Streams gave up reloading the CCP frame; the workspace timed out).
 */
export type HostConnection = 'connecting' | 'connected' | 'signed-out' | 'unreachable';

/** A read-only view of the tracker at one moment. */
export interface ContactTrackerState {
  agent: AgentInfo | undefined;
  /**
   * Whether the host answers (see HostConnection). `ContactTracker` always sets it; a tracker of its own may leave it
   * out, and is then taken as connected.
   */
  connection?: HostConnection | undefined;
  /** Current contacts by contactId, in arrival order. */
  contacts: ReadonlyMap<string, ContactModel>;
  /** The contact a widget should show: the one the agent views, else the only or newest one. */
  viewed: ContactModel | undefined;
}

/** What every consumer of contacts depends on; implemented by `ContactTracker`. */
export interface ContactTrackerLike extends ContactTrackerState {
  /** Subscribes; returns the unsubscribe function. */
  on<K extends TrackerEventType>(type: K, listener: (event: TrackerEventMap[K]) => void): () => void;
  /** Merges attributes this plugin wrote into the contact's model (Streams may never reflect them). */
  recordWrite(initialContactId: string, attributes: Readonly<Attributes>): void;
  /** Takes back recorded values that were not stored after all (see `ContactTracker.forgetWrite`); optional. */
  forgetWrite?(initialContactId: string, attributes: Readonly<Attributes>): void;
  /** Unsubscribes from the source and drops all listeners. */
  dispose(): void;
}
