/**
 * `ccp-attributes/react`: `<ccp-attributes>` as a React component, made with `@lit/react`'s `createComponent`.
 * Importing this module defines the element. Props are set as element properties (so `tracker` and `writer`, which
 * are objects, arrive as themselves), and the `on*` props listen to the element's events:
 *
 * ```tsx
 * <CcpAttributesComponent tracker={tracker} writer={client} onSaved={(e) => console.log(e.detail.attributes)} />
 * ```
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { CcpAttributes } from './ccp-attributes.ts';
import type { CcpAttributesBeforeSaveEvent, CcpAttributesErrorEvent, CcpAttributesSavedEvent } from './events.ts';

export { CcpAttributes } from './ccp-attributes.ts';
export type * from './events.ts';

/** The element's settable properties that the component takes as props (its getters and methods are reached through a ref). */
export type CcpAttributesElementProps = Partial<
  Pick<
    CcpAttributes,
    | 'tracker'
    | 'writer'
    | 'schema'
    | 'unknownKeys'
    | 'readOnly'
    | 'theme'
    | 'setupError'
    | 'locale'
    | 'wrapUp'
    | 'finish'
  >
>;

/** The event props and the events they listen to. */
const events = {
  onBeforeSave: 'ccp-attributes-before-save' as EventName<CcpAttributesBeforeSaveEvent>,
  onSaved: 'ccp-attributes-saved' as EventName<CcpAttributesSavedEvent>,
  onError: 'ccp-attributes-error' as EventName<CcpAttributesErrorEvent>,
};

/** The component's event props. */
export interface CcpAttributesEventProps {
  /** Before a write; cancelable. Amend `event.detail.attributes` or call `event.preventDefault()` to veto. */
  onBeforeSave?: (event: CcpAttributesBeforeSaveEvent) => void;
  /** After Amazon Connect stored the attributes. */
  onSaved?: (event: CcpAttributesSavedEvent) => void;
  /** When a save failed; the agent's edits are kept. */
  onError?: (event: CcpAttributesErrorEvent) => void;
}

/**
 * Props of `CcpAttributesComponent`: the element's properties, its events, the usual HTML attributes (`className`,
 * `style`, `id`, ...) and a ref to the element (for `save()`, `revert()`, `status`, `dirty`, `contact`).
 */
export type CcpAttributesProps = Omit<
  React.HTMLAttributes<CcpAttributes>,
  keyof CcpAttributesEventProps | keyof CcpAttributesElementProps
> &
  CcpAttributesElementProps &
  CcpAttributesEventProps &
  React.RefAttributes<CcpAttributes>;

const Wrapped = createComponent({
  react: React,
  tagName: 'ccp-attributes',
  elementClass: CcpAttributes,
  events,
});

/**
 * `<ccp-attributes>` for React. The props leave out the element's read-only getters (`status`, `dirty`, ...), which
 * `@lit/react` would otherwise offer as props and then fail to assign. A prop left out of a later render goes back
 * to the element's default: `@lit/react` assigns `undefined` to a dropped property, and `unknownKeys` reads only
 * 'show' as showing unknown keys.
 */
export const CcpAttributesComponent: React.ForwardRefExoticComponent<CcpAttributesProps> = React.forwardRef<
  CcpAttributes,
  Omit<CcpAttributesProps, 'ref'>
>(function CcpAttributesComponent(props, ref) {
  return React.createElement(Wrapped, {
    ...props,
    unknownKeys: props.unknownKeys ?? 'show',
    readOnly: props.readOnly ?? false,
    theme: props.theme ?? 'auto',
    ref,
  });
});
