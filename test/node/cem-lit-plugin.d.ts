// The analyzer's Lit plugin (what `cem analyze --litelement` adds), which has no typings of its own.
declare module '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js' {
  export function litPlugin(): unknown[];
}
