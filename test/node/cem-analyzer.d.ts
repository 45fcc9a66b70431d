// The parts of @custom-elements-manifest/analyzer's JavaScript API the README test uses, which its own
// typings (written for plugin authors) leave out. Its `ts` is the TypeScript it bundles (5.x, with a compiler API).
export {};

interface SourceFile {
  readonly fileName: string;
}

declare module '@custom-elements-manifest/analyzer' {
  export function create(options: { modules: SourceFile[]; plugins?: unknown[] }): unknown;
  export const ts: {
    createSourceFile(fileName: string, text: string, target: number, setParentNodes: boolean): SourceFile;
    ScriptTarget: { ES2022: number };
  };
}
