/**
 * What the agent workspace refused, as WorkspaceContactSource keeps it: each permission found missing is reported
 * once, as a clear reason (workspace-failures.ts words it), and makes the editor read-only when it is one the editor
 * needs; an SDK request that fails gives its fallback; the provider's own errors are sorted into a refusal, the
 * workspace being unreachable, or another failure.
 */
import type { AmazonConnectError } from '@amazon-connect/core';
import type { AttributesError } from '../errors.ts';
import type { SourceSink } from './source.ts';
import {
  deniedError,
  failureText,
  isPermissionFailure,
  providerFailure,
  requestError,
  type WorkspacePermission,
} from './workspace-failures.ts';
import type { Requester } from './workspace-reader.ts';

export class WorkspaceRefusals {
  readonly #missing = new Map<WorkspacePermission, AttributesError>();
  /** Where refusals are reported: the source's sink while started. */
  readonly #sink: () => SourceSink | undefined;

  constructor(sink: () => SourceSink | undefined) {
    this.#sink = sink;
  }

  /** The permissions the workspace refused so far, in the order they were found missing. */
  get missingPermissions(): readonly WorkspacePermission[] {
    return [...this.#missing.keys()];
  }

  /** The sentence naming the missing permission that keeps the editor read-only, or undefined. */
  get readOnlyReason(): string | undefined {
    return (this.#missing.get('Contact.Attributes.View') ?? this.#missing.get('Contact.Details.View'))?.message;
  }

  /**
   * SDK requests made while `current()` holds; a failure gives the fallback. A refusal for want of `permission` is
   * reported once per permission as a clear reason; with no permission named, a refusal is silent. Other failures
   * are reported.
   */
  requester(current: () => boolean): Requester {
    return async (permission, route, call, fallback) => {
      try {
        return await call();
      } catch (error) {
        if (!current()) return fallback;
        if (isPermissionFailure(error)) {
          if (permission) this.#denied(permission, `the workspace refused ${route} (${failureText(error)})`, error);
        } else if (permission) {
          this.#sink()?.error(requestError(error, route));
        }
        return fallback;
      }
    };
  }

  /** Reports an error the provider raised (`provider.onError`). */
  providerError(error: AmazonConnectError): void {
    const failure = providerFailure(error);
    if (failure.kind === 'denied') {
      this.#denied(failure.permission, failure.what, error);
      return;
    }
    if (failure.kind === 'unreachable') this.#sink()?.connection('unreachable');
    this.#sink()?.error(failure.error);
  }

  #denied(permission: WorkspacePermission, what: string, cause: unknown): void {
    if (this.#missing.has(permission)) return;
    const error = deniedError(permission, what, cause);
    this.#missing.set(permission, error);
    this.#sink()?.error(error);
  }
}
