/**
 * How the workspace says no, and what the source tells the integrator about it. A refused request rejects with a
 * ConnectError `{errorKey, reason, details}`, a timeout with a plain `{errorKey: 'clientTimeout'}`
 * (@amazon-connect/core/lib-esm/request/request-handler-factory.js, client-timeout-error.js); a refused subscription
 * and a failed handshake reach `provider.onError` (core/lib-esm/proxy/proxy.js handleError,
 * app/lib-esm/proxy/app-proxy.js connectionTimeout).
 */
import type { AmazonConnectError } from '@amazon-connect/core';
import { AttributesError } from '../errors.ts';

/** Workspace permissions the source needs (or uses when granted); see the Amazon Connect admin guide, "Events and requests". */
export type WorkspacePermission =
  'Contact.Attributes.View' | 'Contact.Details.View' | 'Contact.Details.Edit' | 'User.Details.View';

/** A sentence per permission: what is missing and what it costs. */
const PERMISSION_EFFECTS: Readonly<Record<WorkspacePermission, string>> = {
  'Contact.Attributes.View': 'the contact attributes cannot be read, so they cannot be shown or edited',
  'Contact.Details.View':
    'contacts cannot be followed (their channel, queue and lifecycle are hidden), so nothing can be edited',
  'Contact.Details.Edit': 'the app cannot clear contacts (plugin.clear and the Finish action refuse)',
  'User.Details.View': "the agent's ARN is hidden, so the Amazon Connect instance may be unknown",
};

/** Which permission a refused subscription needed: every contact lifecycle topic needs Contact.Details.View. */
function topicPermission(topicKey: string): WorkspacePermission | undefined {
  return topicKey.startsWith('contact/') ? 'Contact.Details.View' : undefined;
}

/** The fields of a ConnectError, or of the plain object a client timeout rejects with. */
interface RequestFailure {
  errorKey?: unknown;
  reason?: unknown;
}

/** The failure's key and reason, or its message. */
export function failureText(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { errorKey, reason } = error as RequestFailure;
    const parts = [errorKey, reason].filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join(': ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when the workspace refused a request for want of a permission (the developer guide's wording, or the key). */
export function isPermissionFailure(error: unknown): boolean {
  return /permission|forbidden|access ?denied|unauthori[sz]ed|not ?authori[sz]ed/i.test(failureText(error));
}

function isTimeout(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as RequestFailure).errorKey === 'clientTimeout';
}

/** A failed request as the error the tracker reports. */
export function requestError(error: unknown, what: string): AttributesError {
  if (error instanceof AttributesError) return error;
  return new AttributesError(
    isTimeout(error) ? 'network' : 'server',
    `The agent workspace failed ${what}: ${failureText(error)}`,
    { cause: error },
  );
}

/** The error that names a missing permission and what it costs. */
export function deniedError(permission: WorkspacePermission, what: string, cause: unknown): AttributesError {
  return new AttributesError(
    'auth',
    `This app lacks the ${permission} permission in the Amazon Connect agent workspace: ${PERMISSION_EFFECTS[permission]}. ` +
      `An administrator can add it to the app's permissions (Amazon Connect console, Third-party applications). Detail: ${what}.`,
    { cause },
  );
}

/** What a provider error means: a refused subscription, a handshake that never came, or anything else. */
export type ProviderFailure =
  | { kind: 'denied'; permission: WorkspacePermission; what: string }
  | { kind: 'unreachable'; error: AttributesError }
  | { kind: 'other'; error: AttributesError };

/** Reads an error the provider reported (see the module comment). */
export function providerFailure(error: AmazonConnectError): ProviderFailure {
  const message = typeof error.message === 'string' ? error.message : '';
  if (/without permission/i.test(message)) {
    // "App attempted to subscribe to topic without permission - Topic {"key": ..., "namespace": ...}"
    const key = /"key"\s*:\s*"([^"]+)"/.exec(message)?.[1] ?? '';
    return {
      kind: 'denied',
      permission: topicPermission(key) ?? 'Contact.Details.View',
      what: `the workspace refused the subscription to ${key || 'a contact topic'}`,
    };
  }
  if (error.key === 'workspaceConnectTimeout') {
    return {
      kind: 'unreachable',
      error: new AttributesError(
        'network',
        'The Amazon Connect agent workspace did not answer: this page must run as a third-party app inside the agent workspace.',
        { cause: error },
      ),
    };
  }
  return {
    kind: 'other',
    error: new AttributesError(
      error.isFatal ? 'network' : 'server',
      `The agent workspace reported: ${message || error.key}`,
      { cause: error },
    ),
  };
}
