/**
 * How the stand-in workspace answers a frame's requests and subscriptions (the shapes of core/lib/request/
 * request-handlers.d.ts and core/lib/messaging/messages.d.ts): a request becomes `{type: 'response', namespace,
 * requestId, isError: false, data}` or `{..., isError: true, errorKey, reason, details: {command, requestData}}`;
 * unknown commands get core's `handlerNotFound` (core/lib/request/handler-not-found-error.d.ts). A request or a
 * subscription without its permission (permissions.ts) is refused: an error response, or an `error` message the
 * SDK logs without failing the frame.
 */
import type { ErrorMessage, RequestMessage, ResponseMessage, SubscriptionTopic } from '@amazon-connect/core';
import type { AttributeShape } from './catalog.ts';
import { REQUEST_REFUSED, requestPermission, subscriptionRefused, topicPermission } from './permissions.ts';

/** The frame that asked, as the answers see it. */
export interface RequestingFrame {
  /** Its name in the catalog. */
  readonly name: string;
  readonly instanceId: string;
  /** How its getAttributes values are shaped. */
  readonly attributeShape: AttributeShape;
  /** Publishes to its subscriptions of one topic (a namespace's handler answering later, by an event). */
  publish(namespace: string, key: string, data: object, parameter?: string): void;
}

/** A request as a handler gets it. */
export interface HostRequest {
  namespace: string;
  command: string;
  data: Record<string, unknown>;
  from: RequestingFrame;
}

/** Answers one request, or throws a HostError. */
export type RequestHandler = (request: HostRequest) => Promise<unknown>;

/** An error answer: core's error keys (`handlerNotFound`, `noResult`) or the stand-in's own. */
export class HostError extends Error {
  constructor(
    readonly errorKey: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The response to `request` from `from`, which holds `permissions`. */
export async function respond(
  request: RequestMessage,
  from: RequestingFrame,
  permissions: ReadonlySet<string>,
  answer: RequestHandler,
): Promise<ResponseMessage> {
  const data = (request.data ?? {}) as Record<string, unknown>;
  const base = { type: 'response' as const, namespace: request.namespace, requestId: request.requestId };
  try {
    const permission = requestPermission(request.namespace, request.command);
    if (permission && !permissions.has(permission)) throw new HostError('permissionDenied', REQUEST_REFUSED);
    const result = (await answer({ namespace: request.namespace, command: request.command, data, from })) as object;
    return { ...base, isError: false, data: result };
  } catch (error) {
    const { errorKey, reason } =
      error instanceof HostError
        ? error
        : { errorKey: 'internalError', reason: error instanceof Error ? error.message : String(error) };
    return {
      ...base,
      isError: true,
      errorKey,
      reason,
      details: { command: request.command, requestData: request.data },
    };
  }
}

/** The refusal of a subscription to `topic` by a frame holding `permissions`, or undefined when it is allowed. */
export function refusal(
  topic: SubscriptionTopic,
  permissions: ReadonlySet<string>,
  startTime: Date,
): ErrorMessage | undefined {
  const permission = topicPermission(topic);
  if (!permission || permissions.has(permission)) return undefined;
  return {
    type: 'error',
    message: subscriptionRefused(topic),
    key: 'subscriptionPermissionDenied',
    isFatal: false,
    status: { initialized: true, startTime },
    details: { topic },
  };
}
