/**
 * Contact attributes as the tracker reports them: a plain `Record<string, string>`.
 * Streams gives `{[key]: {name, value}}` (null while monitoring); the Agent Workspace SDK may give plain strings.
 */
import { attributesFrom, type Attributes } from '../validate.ts';

/**
 * Normalises attributes from any source to `Record<string, string>`; anything that is not a string value is dropped.
 * Every key the API accepts is kept, `__proto__` included (Streams' JSON deep copy of a snapshot keeps it as an own key).
 */
export function normalizeAttributes(raw: unknown): Attributes {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const pairs: [string, string][] = [];
  for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof entry === 'string') {
      pairs.push([key, entry]);
    } else if (entry !== null && typeof entry === 'object' && Object.hasOwn(entry, 'value')) {
      const { name, value } = entry as { name?: unknown; value?: unknown };
      const finalKey = typeof name === 'string' && name !== '' ? name : key;
      if (typeof value === 'string') pairs.push([finalKey, value]);
      else if (typeof value === 'number' || typeof value === 'boolean') pairs.push([finalKey, String(value)]);
    } else if (typeof entry === 'number' || typeof entry === 'boolean') {
      pairs.push([key, String(entry)]);
    }
  }
  return attributesFrom(pairs);
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
  const valueOf = (attributes: Readonly<Attributes>, key: string): string | undefined =>
    Object.hasOwn(attributes, key) ? attributes[key] : undefined;
  const keep = attributesFrom(
    Object.entries(local).filter(([key, value]) => {
      const now = valueOf(reported, key);
      const changedAtSource = previous !== undefined && now !== undefined && now !== valueOf(previous, key);
      return !changedAtSource || now === value;
    }),
  );
  return { merged: { ...reported, ...keep }, local: keep };
}
