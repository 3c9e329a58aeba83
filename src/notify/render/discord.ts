/**
 * Discord webhook / bot message: one embed. Limits (an over-long embed is a 400): title 256,
 * description 4096, ≤ 25 fields (name 256, value 1024), footer 2048, and all of these together
 * ≤ 6000. Long lists keep their first entries and end with "… and N more".
 * The owner is pinged only for critical messages, and `allowed_mentions` makes sure nothing else
 * ever pings (a desk called "@everyone" stays text).
 */
import type { NotificationMessage } from '../message.js';
import { SEVERITY_COLORS } from './severity.js';
import { moreText, numberedActions, renderWord } from './common.js';
import { clip, fitFields } from './truncate.js';

export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

export interface DiscordEmbedField {
  readonly name: string;
  readonly value: string;
  readonly inline: boolean;
}

export interface DiscordEmbed {
  readonly title: string;
  readonly description?: string;
  readonly color: number;
  readonly fields: readonly DiscordEmbedField[];
  readonly timestamp: string;
  readonly footer: { readonly text: string };
}

export type DiscordAllowedMentions = { readonly parse: readonly [] } | { readonly users: readonly [string] };

export interface DiscordPayload {
  readonly content?: string;
  readonly embeds: readonly [DiscordEmbed];
  readonly allowed_mentions: DiscordAllowedMentions;
}

export interface DiscordRenderOptions {
  /** Discord user id of the owner, pinged on critical messages. */
  readonly ownerId?: string | undefined;
}

/**
 * Discord markdown is live in descriptions and field values: escape what would format, link or
 * mention (`* _ ~ \` | [ ] < >` and backslash), and headings/list dashes at a line start.
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|[\]<>]/g, '\\$&').replace(/^([ \t]*)([#-])/gm, '$1\\$2');
}

export function renderDiscord(message: NotificationMessage, options: DiscordRenderOptions = {}): DiscordPayload {
  const L = DISCORD_LIMITS;
  const title = clip(message.title, L.title);
  const footer = clip(message.footer, L.footer);
  const actions =
    message.actions.length > 0
      ? [{ name: clip(renderWord(message, 'render.actions'), L.fieldName), value: clip(numberedActions(message.actions), L.fieldValue, escapeDiscord), inline: false }]
      : [];
  // What is left of the 6000 once the title, footer and actions (never dropped) are in.
  const remaining = L.total - title.length - footer.length - actions.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const limits = {
    maxFields: L.fields - actions.length,
    maxName: L.fieldName,
    maxValue: L.fieldValue,
    escapeValue: escapeDiscord,
    more: (dropped: number) => ({ name: '…', value: moreText(message, dropped) }),
  };
  // The description may not starve the fields: it leaves them what they need, up to 2000.
  const fieldsWanted = fitFields(message.fields, { ...limits, budget: Number.POSITIVE_INFINITY }).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const description = clip(message.text, Math.max(0, Math.min(L.description, remaining - Math.min(fieldsWanted, 2000))), escapeDiscord);
  const fields = fitFields(message.fields, { ...limits, budget: remaining - description.length });

  const embed: DiscordEmbed = {
    title,
    ...(description ? { description } : {}),
    color: SEVERITY_COLORS[message.severity],
    fields: [...fields, ...actions].map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? false })),
    timestamp: message.timestamp,
    footer: { text: footer },
  };
  const ownerId = message.mentionOwner ? options.ownerId : undefined;
  if (ownerId) return { content: `<@${ownerId}>`, embeds: [embed], allowed_mentions: { users: [ownerId] } };
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}
