/**
 * The deployment's settings for searches and reviewers: `searchesPerSecond` and `reviewers`, read like the others
 * (deploy/settings.ts) and checked by the relay's own checker (src/relay/review-config.ts), so the stack never hands
 * the function a setting it would refuse at start.
 */
import { checkReviewers, type RelayReviewers } from '../src/relay/review-config.ts';

/** What deploy/settings.ts hands over: each setting's text (undefined when unset) and its description. */
export interface ReviewSettingsInput {
  searchesPerSecond: string | undefined;
  reviewers: string | undefined;
  /** Names a setting with its context key and environment variable. */
  describe: (name: 'searchesPerSecond' | 'reviewers') => string;
  /** Whether a Cognito user pool issues the tokens (its `cognito:groups` only administrators set). */
  userPool: boolean;
}

/** The two settings, present only when set (the relay's defaults otherwise). */
export interface ReviewSettings {
  /** SearchContacts calls a second per relay environment, agents' and reviewers' searches together (0.1 to 100). */
  searchesPerSecond?: number;
  /** Who may write any contact of the instance, and which keys; adds the reviewers' three routes. */
  reviewers?: RelayReviewers;
}

const example = `{"claim": "cognito:groups", "values": ["reviewers"], "allowKeyPrefixes": ["Review", "Legal"]}`;

/** Reads and checks the two settings; adds every problem to `problems`. */
export function readReviewSettings(input: ReviewSettingsInput, problems: string[]): ReviewSettings {
  const settings: ReviewSettings = {};
  const searches = input.searchesPerSecond;
  if (searches !== undefined) {
    const value = Number(searches);
    if (!(value >= 0.1 && value <= 100))
      problems.push(`${input.describe('searchesPerSecond')} must be a number from 0.1 to 100; got '${searches}'`);
    else settings.searchesPerSecond = value;
  }
  const text = input.reviewers;
  if (text === undefined) return settings;
  const setting = input.describe('reviewers');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push(`${setting} must be a JSON object like ${example}; got '${text}'`);
    return settings;
  }
  const own: string[] = [];
  const reviewers = checkReviewers(parsed, own);
  problems.push(...own.map((problem) => `${setting}: ${problem}`));
  if (!reviewers || own.length > 0) return settings;
  // Another issuer may put anything in a claim named cognito:groups: only a user pool's groups are administrators'.
  if (!input.userPool && reviewers.claimCannotChange !== true)
    problems.push(
      `${setting}: reviewers.claim '${reviewers.claim}' comes from an issuer other than a Cognito user pool, whose ` +
        `claims are only as fixed as its directory makes them; confirm with "claimCannotChange": true once no user ` +
        `can change it (the identity provider alone sets it, from data only administrators change)`,
    );
  else settings.reviewers = reviewers;
  return settings;
}
