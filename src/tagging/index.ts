/** Automatic tagging: rules that write attributes on contact events, through the outbox. */
export * from './template.ts';
export * from './rules.ts';
export * from './tagger.ts';
