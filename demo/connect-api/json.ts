/** JSON helpers of the stand-in's parts: a plain-object check, and a request body parsed as the API parses it. */
import { ApiError } from './errors.ts';

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON body; an unparsable one is a SerializationException, as Coral answers it. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'SerializationException', 'The request body is not valid JSON.');
  }
}
