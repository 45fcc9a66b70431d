/**
 * The AWS SDK commands of contact search, loaded on first search only: the write path's SDK chunk (src/sdk.ts) does
 * not carry their schemas.
 */
export { DescribeQueueCommand, SearchContactsCommand } from '@aws-sdk/client-connect';
