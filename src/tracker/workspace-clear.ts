/**
 * Clearing contacts in the agent workspace, and holding the workspace's own Clear while a contact is not ready.
 * - `ContactClient.clear(contactId)` asks the workspace to clear a contact (request `contact/clear` of
 *   `aws.connect.contact`, @amazon-connect/contact/lib-esm/contact-client.js and routes.js; it needs the
 *   `Contact.Details.Edit` permission).
 * - The clear-contact interceptor of AWS's agent workspace guide
 *   (`ContactInterceptorService.addClearContactInterceptor` in `@amazon-connect/contact-ui`, "Intercept the clear
 *   contact action"; it runs on the interceptor pipeline of `ExtensibilityService`, `@amazon-connect/extensibility`,
 *   key `clearContact`; neither package is on the registry) is spoken here through the provider's proxy, as
 *   `@amazon-connect/theme` speaks to the user namespace.
 * The wire shapes are those of the interceptor client AWS published in its open-source Amazon Connect SDK
 * (github.com/amazon-connect/AmazonConnectSDK, package `@amazon-connect/ccp-ui`, v1.0.7-rc.2 to rc.12, commit
 * d656c8b: `ccp-ui/src/ui-extensibility/ui-extensibility-client.ts`, `ui-extensibility-routes.ts`,
 * `ui-extensibility-topics.ts`, `interceptor-types.ts`, `interceptor-handler-factory.ts`):
 * - request `ui-extensibility.registerInterceptor` `{interceptorKey, parameter?, options: {timeout?}}` ->
 *   `{interceptorId}`;
 * - topic `interceptorInvoked` with the interceptor id as its parameter -> `{interceptorId, invocationId, context}`;
 * - request `ui-extensibility.sendInterceptorResult` `{success: true, continue, invocationId}` (or
 *   `{success: false, error, invocationId}` when the interceptor threw);
 * - request `ui-extensibility.unregisterInterceptor` `{interceptorKey, parameter?, interceptorId}`.
 * The clear interceptor's context is `{contactId?}` (the guide's ContactInterceptorContext). That client speaks on
 * the namespace of the service that makes it (`getUIExtensibilityManager(namespace, provider)`: `aws.connect.ccp-ui`
 * for the ccp-ui package); no published source gives the extensibility package's, so the one below follows the
 * SDK's naming of its packages' namespaces (`aws.connect.contact`, `aws.connect.user`). Where the workspace answers
 * on another, registering fails and the error is reported (the tracker's `error` event): the Clear is then not held.
 */
import type { ContactClient } from '@amazon-connect/contact';
import { orAbort } from '../deadline.ts';
import type { ClearCheck } from './source.ts';
import type { WorkspaceProvider } from './workspace-provider.ts';
import { deniedError, isPermissionFailure, requestError } from './workspace-failures.ts';

/** The namespace the interceptor requests go to (see the module comment). */
export const EXTENSIBILITY_NAMESPACE = 'aws.connect.extensibility';
/** The interceptor key of the workspace's clear-contact action. */
export const CLEAR_CONTACT_KEY = 'clearContact';
/** How long the workspace waits for the interceptor (ms) before it goes on without it. */
export const INTERCEPTOR_TIMEOUT_MS = 10_000;

/** Asks the workspace to clear the contact; a refusal for want of Contact.Details.Edit names that permission. */
export async function clearInWorkspace(contacts: ContactClient, contactId: string, signal: AbortSignal): Promise<void> {
  try {
    await orAbort(contacts.clear(contactId), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    const what = `clearing contact ${contactId}`;
    throw isPermissionFailure(error) ? deniedError('Contact.Details.Edit', what, error) : requestError(error, what);
  }
}

interface Invocation {
  interceptorId?: unknown;
  invocationId?: unknown;
  context?: { contactId?: unknown } | null;
}

/**
 * Registers the clear-contact interceptor (for one contact when `contactId` is given, else every contact): while
 * `ready` says no, or fails, the workspace's Clear is held. Returns the function that unregisters it.
 */
export function interceptWorkspaceClear(
  provider: WorkspaceProvider,
  ready: ClearCheck,
  contactId: string | undefined,
  onError: (error: unknown) => void,
): () => void {
  const proxy = provider.getProxy();
  const parameter = contactId === undefined ? {} : { parameter: contactId };
  let stopped = false;
  let registered: { interceptorId: string; handler: (event: Invocation) => Promise<void> } | undefined;

  const answer = async (event: Invocation): Promise<void> => {
    const invocationId = event.invocationId;
    if (typeof invocationId !== 'string') return;
    const id = event.context?.contactId;
    let result: { success: true; continue: boolean };
    try {
      // A few seconds less than the workspace waits, so the answer arrives before it goes on without it.
      const signal = AbortSignal.timeout(INTERCEPTOR_TIMEOUT_MS - 1000);
      const go = typeof id === 'string' ? await orAbort(ready(id, signal), signal) : true;
      result = { success: true, continue: go };
    } catch (error) {
      onError(error);
      // Not knowing is not ready: the agent's Clear is held (the agent can try again).
      result = { success: true, continue: false };
    }
    await proxy.request(EXTENSIBILITY_NAMESPACE, 'ui-extensibility.sendInterceptorResult', { ...result, invocationId });
  };

  void proxy
    .request<{ interceptorId?: unknown }>(EXTENSIBILITY_NAMESPACE, 'ui-extensibility.registerInterceptor', {
      interceptorKey: CLEAR_CONTACT_KEY,
      options: { timeout: INTERCEPTOR_TIMEOUT_MS },
      ...parameter,
    })
    .then(({ interceptorId }) => {
      if (typeof interceptorId !== 'string') throw new Error('The workspace gave no interceptor id.');
      const handler = (event: Invocation): Promise<void> => answer(event).catch(onError);
      registered = { interceptorId, handler };
      proxy.subscribe(
        { namespace: EXTENSIBILITY_NAMESPACE, key: 'interceptorInvoked', parameter: interceptorId },
        handler,
      );
      if (stopped) unregister();
    })
    .catch(onError);

  function unregister(): void {
    if (!registered) return;
    const { interceptorId, handler } = registered;
    registered = undefined;
    proxy.unsubscribe(
      { namespace: EXTENSIBILITY_NAMESPACE, key: 'interceptorInvoked', parameter: interceptorId },
      handler,
    );
    void proxy
      .request(EXTENSIBILITY_NAMESPACE, 'ui-extensibility.unregisterInterceptor', {
        interceptorKey: CLEAR_CONTACT_KEY,
        interceptorId,
        ...parameter,
      })
      .catch(onError);
  }

  return () => {
    stopped = true;
    unregister();
  };
}

/**
 * Registers the interceptor once the source is connected (`connected` resolves with the provider, and the app's
 * contact in a contact's scope, or undefined when it never connected): for that contact, else for every contact.
 * Returns the function that stops, before or after the registration.
 */
export function interceptWhenConnected(
  connected: Promise<{ provider: WorkspaceProvider; contactId: string | undefined } | undefined>,
  ready: ClearCheck,
  onError: (error: unknown) => void,
): () => void {
  let stop: (() => void) | undefined;
  let stopped = false;
  void connected.then((host) => {
    if (stopped || !host) return;
    stop = interceptWorkspaceClear(host.provider, ready, host.contactId, onError);
  }, onError);
  return () => {
    stopped = true;
    stop?.();
  };
}
