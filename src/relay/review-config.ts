/**
 * The relay's reviewers setting: who, besides the handling agent, may write a contact (supervisors, QA, legal), and
 * which keys. The claim names a group only administrators change: Cognito's `cognito:groups` (AdminAddUserToGroup is
 * an administrator's call; no user can add themselves to a group). Any other claim must be confirmed with
 * `claimCannotChange: true`, as for the user mapping: a Cognito user rewrites their own custom attributes and email.
 */
import type { Claims } from './claims.ts';

/** Holders of `claim` with one of `values` may write any contact of the instance, only keys starting with `allowKeyPrefixes`. */
export interface RelayReviewers {
  /** The claim, e.g. `cognito:groups`: a list (or API Gateway's rendering of one, `[a b]`) or a string. */
  claim: string;
  /** The values that make a reviewer, e.g. `['reviewers']`. */
  values: string[];
  /** Key prefixes reviewers may write, e.g. `['Review', 'Legal']` (required: a reviewer never writes other keys). */
  allowKeyPrefixes: string[];
  /** Confirms that users cannot change the claim: required for every claim but `cognito:groups`. */
  claimCannotChange?: boolean;
}

const keyPattern = /^[A-Za-z0-9_-]+$/;

/** Checks the setting; adds its problems to `problems`. */
export function checkReviewers(value: unknown, problems: string[]): RelayReviewers | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('reviewers must be an object {claim, values, allowKeyPrefixes}');
    return undefined;
  }
  const { claim, values, allowKeyPrefixes, claimCannotChange } = value as Record<string, unknown>;
  const strings = (list: unknown, pattern?: RegExp): list is string[] =>
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((entry) => typeof entry === 'string' && entry !== '' && (!pattern || pattern.test(entry)));
  if (typeof claim !== 'string' || claim === '')
    problems.push('reviewers.claim must name a claim, e.g. cognito:groups');
  if (!strings(values)) problems.push('reviewers.values must be a non-empty list of strings');
  if (!strings(allowKeyPrefixes, keyPattern))
    problems.push('reviewers.allowKeyPrefixes must be a non-empty list of key prefixes (letters, digits, - and _)');
  if (claimCannotChange !== undefined && typeof claimCannotChange !== 'boolean')
    problems.push('reviewers.claimCannotChange must be true or false');
  for (const key of Object.keys(value))
    if (!['claim', 'values', 'allowKeyPrefixes', 'claimCannotChange'].includes(key))
      problems.push(`unknown setting reviewers.${key}`);
  if (typeof claim === 'string' && claim !== 'cognito:groups' && claimCannotChange !== true)
    problems.push(
      `reviewers.claim '${claim}' may be a claim users can change (a Cognito user rewrites their own custom attributes ` +
        `and email), which would let an agent make themselves a reviewer. Use cognito:groups (set by administrators ` +
        `only), or confirm with reviewers.claimCannotChange: true once no user can change '${claim}'`,
    );
  if (typeof claim !== 'string' || !strings(values) || !strings(allowKeyPrefixes, keyPattern)) return undefined;
  return { claim, values, allowKeyPrefixes, ...(claimCannotChange === true ? { claimCannotChange } : {}) };
}

/** Whether verified claims make the caller a reviewer. */
export function isReviewer(claims: Claims, reviewers: RelayReviewers | undefined): boolean {
  if (!reviewers) return false;
  const held = claims[reviewers.claim];
  // API Gateway's JWT authorizer passes a list claim as one string, `[reviewers admins]`.
  const list = Array.isArray(held)
    ? held
    : typeof held === 'string'
      ? held.replace(/^\[(.*)\]$/, '$1').split(/[\s,]+/)
      : [];
  return list.some((entry) => typeof entry === 'string' && reviewers.values.includes(entry));
}
