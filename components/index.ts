/** The elements of ccp-attributes: importing this module defines them (once, even beside the drop-in script). */
export { CcpAttributes } from './ccp-attributes.ts';
export type { ReadOnlyReason, SaveStatus } from './ccp-attributes.ts';
export { CcpAttributeField } from './ccp-attribute-field.ts';
export { CcpRecentContacts } from './ccp-recent-contacts.ts';
export type { CcpRecentContactsOpenEvent, RecentOpenDetail } from './ccp-recent-contacts.ts';
export { CcpReviewContacts } from './ccp-review-contacts.ts';
export type * from './events.ts';
export { parseSchema, SchemaError, FIELD_TYPES, labelOf, descriptionOf, optionLabelOf } from './schema.ts';
export type {
  AttributesSchema,
  FieldOption,
  FieldSchemaInput,
  FieldSpec,
  FieldType,
  LocalizedText,
  SchemaInput,
} from './schema.ts';
export { LOCALES, type Locale } from './messages/match-locale.ts';
