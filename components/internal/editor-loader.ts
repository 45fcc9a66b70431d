/**
 * How `<ccp-attributes>` imports its editor implementation (the lazy chunk): one object, so a test can replace
 * `load` and make an import fail as a network blip would.
 */
import type { EditorImpl } from './editor-impl.ts';

export const editorLoader = {
  load: (): Promise<typeof EditorImpl> => import('./editor-impl.ts').then((module) => module.EditorImpl),
};
