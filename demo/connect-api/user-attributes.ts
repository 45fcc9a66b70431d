/**
 * The stand-in user pool's attributes, and Cognito's rule on who may change them with UpdateUserAttributes (awsJson1.1,
 * `X-Amz-Target: AWSCognitoIdentityProviderService.UpdateUserAttributes`, request `{AccessToken, UserAttributes:
 * [{Name, Value}]}`, answer `{CodeDeliveryDetailsList}`, as the Cognito user pools API reference gives them): a user
 * signed in through an app client writes an attribute only when that client's WriteAttributes list it.
 *
 * Cognito's API reference says a client created without WriteAttributes may write the pool's standard attributes;
 * clients made in the console are given the custom ones too. The stand-in takes the wider reading (every attribute but
 * `sub`), so that only an explicit list that leaves an attribute out keeps users from changing it: what a relay that
 * names agents by that attribute needs, whichever way the client was made.
 *
 * Messages are Cognito's where known ("A client attempted to write unauthorized attribute" is the one users meet).
 */
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';

/** What the store needs of a pool user. */
interface Named {
  username: string;
  connectUserId: string;
}

/** The schema: the standard attributes of a user pool (Cognito's "User pool attributes") and the demo's custom one. */
const schema = new Set([
  'name',
  'family_name',
  'given_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'updated_at',
  'address',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'sub',
  'custom:connect_user_id',
]);
/** Boolean attributes, which tokens carry as JSON booleans. */
const booleans = new Set(['email_verified', 'phone_number_verified']);

/** Every user's attributes (`sub` aside: the pool keeps it) and each app client's write attributes. */
export class UserAttributes {
  readonly #users: readonly Named[];
  readonly #writable: Readonly<Record<string, readonly string[]>>;
  #values = new Map<string, Map<string, string>>();

  constructor(users: readonly Named[], writeAttributes: Readonly<Record<string, readonly string[]>>) {
    this.#users = users;
    this.#writable = writeAttributes;
    this.reset();
  }

  /** Puts every user's attributes back as they were at start. */
  reset(): void {
    this.#values = new Map(
      this.#users.map((user) => [
        user.username,
        new Map([
          ['email', `${user.username}@example.com`],
          ['email_verified', 'true'],
          ['custom:connect_user_id', user.connectUserId],
        ]),
      ]),
    );
  }

  /** The user's attributes as id token claims. */
  claims(username: string): Record<string, string | boolean> {
    const claims: Record<string, string | boolean> = {};
    for (const [name, value] of this.#values.get(username) ?? [])
      claims[name] = booleans.has(name) ? value === 'true' : value;
    return claims;
  }

  /** UpdateUserAttributes for `username` signed in through `clientId`: all the attributes change, or none. */
  update(username: string, clientId: string, list: unknown): Record<string, unknown> {
    const values = this.#values.get(username);
    if (!values) throw new ApiError(400, 'UserNotFoundException', 'User does not exist.');
    if (!Array.isArray(list) || list.length === 0)
      throw new ApiError(400, 'InvalidParameterException', 'Missing required parameter UserAttributes');
    const changes: Array<[string, string]> = [];
    for (const entry of list as unknown[]) {
      const name = isRecord(entry) ? entry['Name'] : undefined;
      const value = isRecord(entry) ? (entry['Value'] ?? '') : undefined;
      if (typeof name !== 'string' || typeof value !== 'string')
        throw new ApiError(400, 'InvalidParameterException', 'Each user attribute needs a Name and a string Value.');
      if (!schema.has(name))
        throw new ApiError(400, 'InvalidParameterException', `Attribute does not exist in the schema: ${name}`);
      if (name === 'sub') throw new ApiError(400, 'InvalidParameterException', 'Cannot modify an immutable attribute.');
      changes.push([name, value]);
    }
    const writable = this.#writable[clientId];
    if (writable && changes.some(([name]) => !writable.includes(name)))
      throw new ApiError(400, 'NotAuthorizedException', 'A client attempted to write unauthorized attribute');

    const deliveries: Array<Record<string, string>> = [];
    for (const [name, value] of changes) {
      if (name === 'email' && value !== values.get('email')) {
        // A new address is unverified until the user confirms the code sent to it.
        values.set('email_verified', 'false');
        deliveries.push({ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: masked(value) });
      }
      values.set(name, value);
    }
    return { CodeDeliveryDetailsList: deliveries };
  }
}

/** An address as Cognito shows where it sent a code: `s***@e***`. */
function masked(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}
