/** The credential shapes the signed client and the Cognito provider share. */

/** AWS credentials (structurally the SDK's AwsCredentialIdentity). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Any AWS SDK credential provider: called when credentials are needed or about to expire. */
export type CredentialsProvider = () => Promise<Credentials>;
