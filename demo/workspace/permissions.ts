/**
 * The permissions of the stand-in workspace: which request and which topic each one opens, as the Amazon Connect
 * admin guide lists them ("Events and requests when granting third-party applications access to Amazon Connect",
 * 3p-apps-events-requests.html), and how a refusal reads. The SDK does not say how the workspace refuses; the agent
 * workspace developer guide ("Troubleshoot application setup") gives the texts used here. The error keys are this
 * stand-in's own.
 */
import type { SubscriptionTopic } from '@amazon-connect/core';

/** Every permission the stand-in knows. */
export const ALL_PERMISSIONS = [
  'User.Details.View',
  'User.Configuration.View',
  'User.Status.View',
  'Contact.Details.View',
  'Contact.CustomerDetails.View',
  'Contact.Attributes.View',
  'User.Status.Edit',
  'Contact.Details.Edit',
] as const;

export const NAMESPACE_CONTACT = 'aws.connect.contact';
/** The user settings' namespace (AWS's open-source Amazon Connect SDK, user/src/namespace.ts). */
export const NAMESPACE_USER = 'aws.connect.user';
/** AppControllerClient's and ThemeClient's namespace (@amazon-connect/app-controller lib-esm/workspace-namespace.js). */
export const NAMESPACE_WORKSPACE = 'aws.connect.workspace';

/**
 * The permission each request needs, by command; requests not listed need none. The guide lists getInitialContactId,
 * getChannelType, getStateDuration, getQueue and getQueueTimestamp under Contact.Details.View; it does not list
 * getType, getContact, listContacts, listParticipants or getParticipantState, which tell the same details: the
 * stand-in asks Contact.Details.View for them too (its choice, said in the README).
 */
const REQUESTS: Readonly<Record<string, string>> = {
  'contact/getAttributes': 'Contact.Attributes.View',
  'contact/getAttribute': 'Contact.Attributes.View',
  'contact/getInitialContactId': 'Contact.Details.View',
  'contact/getType': 'Contact.Details.View',
  'contact/getChannelType': 'Contact.Details.View',
  'contact/getStateDuration': 'Contact.Details.View',
  'contact/getQueue': 'Contact.Details.View',
  'contact/getQueueTimestamp': 'Contact.Details.View',
  'contact/getContact': 'Contact.Details.View',
  'contact/listContacts': 'Contact.Details.View',
  'contact/listParticipants': 'Contact.Details.View',
  'contact/getParticipantState': 'Contact.Details.View',
  'contact/accept': 'Contact.Details.Edit',
  'contact/clear': 'Contact.Details.Edit',
  'contact/transfer': 'Contact.Details.Edit',
  'agent/getARN': 'User.Details.View',
  'agent/getName': 'User.Details.View',
  'agent/getRoutingProfile': 'User.Configuration.View',
  'agent/getChannelConcurrency': 'User.Configuration.View',
  'agent/getState': 'User.Status.View',
  // user/src/routes.ts: getLanguage, listed under User.Configuration.View.
  getLanguage: 'User.Configuration.View',
};

/**
 * The permission each topic needs, by `namespace key`. The guide lists contact/onConnected, onMissed,
 * onStartingAcw and onCleared under Contact.Details.View; the stand-in asks the same of every contact lifecycle and
 * participant topic (they tell the same details). languageChange (user/src/topic-keys.ts) is listed under
 * User.Configuration.View as onLanguageChanged; visualModeChange is not listed (the theme package subscribes to it
 * with whatever permissions the app has), so it needs none.
 */
export function topicPermission(topic: SubscriptionTopic): string | undefined {
  if (topic.namespace === NAMESPACE_CONTACT)
    return topic.key.startsWith('agent/') ? agentTopicPermission(topic.key) : 'Contact.Details.View';
  if (topic.namespace === NAMESPACE_USER && topic.key === 'languageChange') return 'User.Configuration.View';
  return undefined;
}

function agentTopicPermission(key: string): string {
  return key === 'agent/stateChange' ? 'User.Status.View' : 'User.Configuration.View';
}

/** The permission a request needs, if any (contact and agent routes live in the contact namespace). */
export function requestPermission(namespace: string, command: string): string | undefined {
  if (namespace !== NAMESPACE_CONTACT && namespace !== NAMESPACE_USER) return undefined;
  return REQUESTS[command];
}

/** The reason a request without its permission is refused with. */
export const REQUEST_REFUSED = 'App does not have permission for this request';

/** The message a subscription without its permission is refused with. */
export function subscriptionRefused(topic: SubscriptionTopic): string {
  return `App attempted to subscribe to topic without permission - Topic ${JSON.stringify({ key: topic.key, namespace: topic.namespace })}`;
}
