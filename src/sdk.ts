/**
 * The AWS SDK half of the client, loaded on first use by a dynamic import so that the UI can
 * paint before ~50 KB of SDK arrives. Nothing else in the plugin imports @aws-sdk/* statically.
 * In the npm module's build the credential providers are imported as `#credential-providers` (package.json
 * "imports"; rollup.config.mjs says why): their browser entry in browsers, the package itself in Node.
 */
export { ConnectClient, GetContactAttributesCommand, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
export { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
