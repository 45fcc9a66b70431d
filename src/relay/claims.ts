/** Verified claims of the caller's token. */
export type Claims = Readonly<Record<string, unknown>>;
