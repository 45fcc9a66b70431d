/**
 * Reading a request's body within the stand-in's limit, and turning what a handler threw into the API error it answers.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

const maxBodyBytes = 1024 * 1024;

/** The client went away before its request's body was read: there is no one to answer. */
export class ClientAborted extends Error {}

/**
 * Reads a request body of at most maxBodyBytes. A longer one is read to its end and discarded before the 413 is
 * thrown: stopping early would destroy the request and its socket, so a client still sending would get ECONNRESET
 * instead of the answer, and a keep-alive client would lose its next request on that socket. Rejects with
 * ClientAborted when the client went away first (then the request emits 'error', ECONNRESET 'aborted', and 'close').
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.destroyed) return Promise.reject(new ClientAborted('The client closed the connection.'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) reject(new ApiError(413, 'RequestEntityTooLargeException', 'Request body too large.'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', () => reject(new ClientAborted('The client closed the connection.')));
    req.on('close', () => reject(new ClientAborted('The client closed the connection.')));
  });
}

/** Unexpected errors become a 500 InternalServiceException (and a log line). */
export function asApiError(error: unknown, emit: (line: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  emit(`stand-in error: ${error instanceof Error ? error.message : String(error)}`);
  return new ApiError(500, 'InternalServiceException', 'Internal service error.');
}
