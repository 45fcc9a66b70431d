/**
 * Contact attributes as the tracker reports them: a plain `Record<string, string>`.
 * Streams gives `{[key]: {name, value}}` (null while monitoring); the Agent Workspace SDK may give plain strings.
 */
import type { Attributes } from '../validate.ts';

/** Normalises attributes from any source to `Record<string, string>`; anything that is not a string value is dropped. */
export function normalizeAttributes(raw: unknown): Attributes {
  const out: Attributes = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof entry === 'string') {
      out[key] = entry;
    } else if (entry !== null && typeof entry === 'object' && 'value' in entry) {
      const { name, value } = entry as { name?: unknown; value?: unknown };
      const finalKey = typeof name === 'string' && name !== '' ? name : key;
      if (typeof value === 'string') out[finalKey] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') out[finalKey] = String(value);
    } else if (typeof entry === 'number' || typeof entry === 'boolean') {
      out[key] = String(entry);
    }
  }
  return out;
}

/** True when both hold the same keys with the same values. */
export function sameAttributes(a: Readonly<Attributes>, b: Readonly<Attributes>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * Keeps the plugin's own writes over what the source reports, except where the source's value changed since
 * the previous report (someone wrote later: a flow, another agent), in which case that later value wins and the
 * local override for that key is dropped. Returns the merged view and the local writes still in force.
 */
export function mergeReported(
  previous: Readonly<Attributes> | undefined,
  reported: Readonly<Attributes>,
  local: Readonly<Attributes>,
): { merged: Attributes; local: Attributes } {
  const keep: Attributes = {};
  for (const [key, value] of Object.entries(local)) {
    const changedAtSource = previous !== undefined && reported[key] !== undefined && reported[key] !== previous[key];
    if (changedAtSource && reported[key] !== value) continue;
    keep[key] = value;
  }
  return { merged: { ...reported, ...keep }, local: keep };
}
