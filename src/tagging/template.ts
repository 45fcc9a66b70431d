/**
 * The tag value templates: `{{agent.username}}`, `{{contact.initialContactId}}`, `{{event.at}}`,
 * `{{duration.connected}}`, `{{attributes.X}}`, ... Parsed once into literal and field parts and
 * rendered by lookup: no eval, no `new Function`, so pages under a strict Content Security Policy work.
 */
import type { AgentInfo, ContactEventType, ContactModel } from '../tracker/types.ts';

/** The lifecycle events a rule can react to and a template can time. */
export const TAG_EVENTS = ['connecting', 'accepted', 'connected', 'missed', 'acw', 'ended', 'destroyed'] as const;

/** A lifecycle event a rule can react to. */
export type TagEvent = (typeof TAG_EVENTS)[number] & ContactEventType;

/** What a template (or a function value) sees when a rule fires. */
export interface TemplateContext {
  agent: AgentInfo | undefined;
  contact: ContactModel;
  event: { type: TagEvent; at: Date };
  /** When this tab saw each lifecycle event of the contact. */
  times: Readonly<Partial<Record<TagEvent, Date>>>;
}

/** The fields a template can name, with what each renders. */
const FIELDS: Record<string, Record<string, (context: TemplateContext) => string>> = {
  agent: {
    username: (c) => c.agent?.username ?? '',
    name: (c) => c.agent?.name ?? '',
    arn: (c) => c.agent?.arn ?? '',
    routingProfile: (c) => c.agent?.routingProfile?.name ?? '',
  },
  contact: {
    contactId: (c) => c.contact.contactId,
    initialContactId: (c) => c.contact.initialContactId,
    instanceId: (c) => c.contact.instanceId,
    region: (c) => c.contact.region,
    channel: (c) => c.contact.channel,
    state: (c) => c.contact.state,
  },
  queue: {
    name: (c) => c.contact.queue?.name ?? '',
    arn: (c) => c.contact.queue?.arn ?? '',
  },
  event: {
    type: (c) => c.event.type,
    at: (c) => c.event.at.toISOString(),
    epoch: (c) => String(c.event.at.getTime()),
  },
  time: Object.fromEntries(
    TAG_EVENTS.map((name) => [name, (c: TemplateContext) => c.times[name]?.toISOString() ?? '']),
  ),
  duration: Object.fromEntries(
    TAG_EVENTS.map((name) => [
      name,
      (c: TemplateContext) => {
        const since = c.times[name];
        return since ? String(Math.max(0, Math.round((c.event.at.getTime() - since.getTime()) / 1000))) : '';
      },
    ]),
  ),
};

const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]+$/;

/** One piece of a parsed template. */
export type TemplatePart = { literal: string } | { field: string; render: (context: TemplateContext) => string };

/** A parsed template. */
export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** True when the template has no field (a plain literal). */
  readonly literal: boolean;
}

/** A template that cannot be parsed; `message` names the problem. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Every field a template may name (`attributes.<key>` aside). */
export function templateFields(): string[] {
  return Object.entries(FIELDS).flatMap(([root, fields]) => Object.keys(fields).map((field) => `${root}.${field}`));
}

/**
 * Parses a template. `{{ root.field }}` names a field (spaces allowed inside the braces);
 * everything else is literal text. Throws a TemplateError for an unknown field or an unclosed `{{`.
 */
export function parseTemplate(source: string): Template {
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    if (open === -1) {
      literal += source.slice(index);
      break;
    }
    literal += source.slice(index, open);
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError(`"{{" at position ${open} is not closed with "}}"`);
    const field = source.slice(open + 2, close).trim();
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ field, render: resolveField(field) });
    index = close + 2;
  }
  if (literal) parts.push({ literal });
  return { source, parts, literal: parts.every((part) => 'literal' in part) };
}

function resolveField(field: string): (context: TemplateContext) => string {
  const dot = field.indexOf('.');
  const root = dot === -1 ? field : field.slice(0, dot);
  const name = dot === -1 ? '' : field.slice(dot + 1);
  if (root === 'attributes') {
    if (!ATTRIBUTE_KEY.test(name)) {
      throw new TemplateError(
        `{{${field}}}: an attribute name after "attributes." uses only letters, digits, "-" and "_"`,
      );
    }
    return (context) => {
      const value = Object.hasOwn(context.contact.attributes, name) ? context.contact.attributes[name] : undefined;
      return typeof value === 'string' ? value : '';
    };
  }
  const fields = Object.hasOwn(FIELDS, root) ? FIELDS[root] : undefined;
  const render = fields && Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (!render) {
    throw new TemplateError(
      `{{${field}}} is not a known field; use one of ${templateFields().join(', ')}, or attributes.<name>`,
    );
  }
  return render;
}

/** Renders a parsed template: field values are inserted as they are, never parsed again. */
export function renderTemplate(template: Template, context: TemplateContext): string {
  let out = '';
  for (const part of template.parts) out += 'literal' in part ? part.literal : part.render(context);
  return out;
}
