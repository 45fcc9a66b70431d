/**
 * `styleProperties({...})`: sets inline style properties through the CSSOM (`element.style.setProperty`), on the first
 * render too. A `style="..."` attribute binding, and Lit's `styleMap` on its first render, write the style attribute,
 * which a page whose Content Security Policy has `style-src` without 'unsafe-inline' refuses (style-src-attr);
 * CSSOM changes are not inline style and pass (https://www.w3.org/TR/CSP3/#directive-style-src-attr).
 */
import { noChange, nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/** Property names (CSS names, e.g. `width`, `--ccp-fill`) and their values; `undefined` removes a property. */
export type StyleProperties = Readonly<Record<string, string | undefined>>;

class StylePropertiesDirective extends Directive {
  #previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT)
      throw new Error('styleProperties() goes on an element: <div ${styleProperties({...})}>.');
  }

  /** Lit types the directive's arguments from render()'s parameters; update() applies them, the element gets no value. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  render(_properties: StyleProperties): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [properties]: [StyleProperties]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const name of this.#previous) if (properties[name] === undefined) style.removeProperty(name);
    this.#previous = new Set();
    for (const [name, value] of Object.entries(properties)) {
      if (value === undefined) continue;
      style.setProperty(name, value);
      this.#previous.add(name);
    }
    return noChange;
  }
}

/** Sets inline style properties through the CSSOM, so a strict `style-src` (no 'unsafe-inline') allows them. */
export const styleProperties = directive(StylePropertiesDirective);
