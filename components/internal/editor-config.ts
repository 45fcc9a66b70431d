/**
 * What AttributesController builds its drafts with, read from its element on every update: the schema (parsed
 * once per value given, its error logged), the keys outside it shown or hidden, and the language shown. `sync`
 * says whether any changed, so the drafts are rebuilt (edits kept) only then.
 */
import { activeLocale } from '../messages/localization.ts';
import { parseSchema, SchemaError, type AttributesSchema, type SchemaInput } from '../schema.ts';
import type { DraftConfig } from './contact-drafts.ts';

/** The element's properties the config is read from. */
export interface EditorConfigInputs {
  readonly schema: SchemaInput | undefined;
  /** 'hide' hides keys outside the schema; anything else (undefined too, as @lit/react or Vue may set) shows them. */
  readonly unknownKeys: 'show' | 'hide' | undefined;
}

export class EditorConfig implements DraftConfig {
  /** The checked schema, when one is set and valid. */
  schema: AttributesSchema | undefined;
  /** Why the schema given is unusable. */
  schemaError: SchemaError | undefined;
  unknownKeys: 'show' | 'hide' = 'show';
  locale: string = activeLocale();
  #schemaInput: SchemaInput | undefined;

  /** Reads `host`'s properties and the language shown; returns which changed. */
  sync(host: EditorConfigInputs): { changed: boolean; localeChanged: boolean } {
    let changed = false;
    if (host.schema !== this.#schemaInput) {
      this.#schemaInput = host.schema;
      this.schema = undefined;
      this.schemaError = undefined;
      if (host.schema !== undefined && host.schema !== '') {
        try {
          this.schema = parseSchema(host.schema);
        } catch (error) {
          this.schemaError = error instanceof SchemaError ? error : new SchemaError([String(error)]);
          console.error(`<ccp-attributes>: ${this.schemaError.message}`);
        }
      }
      changed = true;
    }
    const locale = activeLocale();
    const localeChanged = locale !== this.locale;
    if (localeChanged) {
      // The problems shown are worded anew in the language now shown.
      this.locale = locale;
      changed = true;
    }
    const unknownKeys = host.unknownKeys === 'hide' ? 'hide' : 'show';
    if (unknownKeys !== this.unknownKeys) {
      this.unknownKeys = unknownKeys;
      changed = true;
    }
    return { changed, localeChanged };
  }
}
