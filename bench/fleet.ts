// What the fleet benchmarks share: the agents' rules, their contacts, and the FLEET_* settings.
import type { Jitter } from '../src/outbox/pacing.ts';
import type { TagRuleInput } from '../src/tagging/index.ts';
import type { ContactModel } from '../src/tracker/types.ts';
import { model } from '../test/tagging/fake-tracker.ts';

/** A contact model for the benchmarks (instance `bench-instance`). */
export function contactModel(contactId: string, instanceId = 'bench-instance'): ContactModel {
  return model(contactId, { instanceId });
}

/** Each agent's tagging rules in the fleet: three tags when the contact enters after-contact work. */
export const FLEET_RULES: readonly TagRuleInput[] = [
  { id: 'handled-by', on: 'acw', set: { HandledBy: '{{agent.username}}' } },
  { id: 'wrap-up-at', on: 'acw', set: { WrapUpAt: '{{event.at}}' } },
  { id: 'talk', on: 'acw', set: { TalkSeconds: '{{duration.connected}}' } },
];

/** The fleet's size, quota and backoff, from the FLEET_* environment variables. */
export function fleetSettings() {
  const env = (name: string): number | undefined =>
    process.env[name] === undefined ? undefined : Number(process.env[name]);
  const jitter = process.env['FLEET_BACKOFF_JITTER'];
  if (jitter !== undefined && !isJitter(jitter))
    throw new TypeError(`FLEET_BACKOFF_JITTER must be one of ${JITTERS.join(', ')}.`);
  const agents = env('FLEET_AGENTS') ?? 1000;
  return {
    agents,
    active: Math.min(agents, env('FLEET_ACTIVE') ?? 400),
    spreadMs: env('FLEET_SPREAD_MS') ?? 10_000,
    ratePerSecond: env('FLEET_RATE') ?? 10,
    burst: env('FLEET_BURST') ?? 15,
    capMs: env('FLEET_BACKOFF_CAP_MS'),
    baseMs: env('FLEET_BACKOFF_BASE_MS'),
    jitter,
  };
}

export const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated'];
export const isJitter = (value: string): value is Jitter => (JITTERS as readonly string[]).includes(value);
