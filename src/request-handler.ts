/**
 * The HTTP transport an `AttributesClient` may be given, described by its shape alone. The SDK's own type for it
 * (`ConnectClientConfig['requestHandler']`) reaches @smithy types that name Node's `Buffer` and `node:http`, which
 * a browser app type-checked without @types/node (and `skipLibCheck: false`) cannot resolve. The shapes below are
 * those of @smithy/types' `RequestHandler`, `HttpRequest`, `HttpResponse` and `HttpHandlerOptions`
 * (node_modules/@smithy/types/dist-types/transfer.d.ts, http.d.ts), so the SDK's `FetchHttpHandler` fits them.
 */

/** An HTTP request as the SDK hands it to the transport. */
export interface HttpRequestLike {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
  username?: string;
  password?: string;
  fragment?: string;
}

/** An HTTP response as the transport hands it back (`body`: a stream or bytes the SDK can read). */
export interface HttpResponseLike {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the SDK passes with each request. */
export interface HttpHandlerOptionsLike {
  abortSignal?: { readonly aborted: boolean };
  requestTimeout?: number;
}

/** An HTTP transport the SDK accepts as `requestHandler` (for tests and special networks). */
export interface RequestHandler {
  handle: (request: HttpRequestLike, options?: HttpHandlerOptionsLike) => Promise<{ response: HttpResponseLike }>;
  destroy?: () => void;
}
