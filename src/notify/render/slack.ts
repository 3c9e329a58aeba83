/**
 * Slack incoming webhook / chat.postMessage: Block Kit. Limits: a top-level `text` is required
 * (it is the notification and the fallback; a payload without it is a 400 `no_text`), ≤ 50
 * blocks, header ≤ 150 (plain text), section text ≤ 3000, ≤ 10 fields a section, each ≤ 2000.
 * Layout: the header (and the owner's mention when critical) at the top, then the body inside an
 * attachment so that it gets the severity's coloured bar.
 * mrkdwn is escaped as Slack asks (&, <, > only), so no text from an event can mention
 * `<!channel>` or make a link.
 */
import type { MessageField, NotificationMessage } from '../message.js';
import { severityHex } from './severity.js';
import { moreText, numberedActions, renderWord } from './common.js';
import { clip, fitFields } from './truncate.js';

export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextText: 2000,
  /** Our own cap, for a readable message: 3 sections of fields. */
  fields: 30,
  /** Our own cap on all field texts together, so a long list stays a message and not a page. */
  fieldsBudget: 12_000,
  /** Our own cap on the notification text. */
  fallback: 3000,
} as const;

export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText & { readonly type: 'plain_text' } }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'section'; readonly fields: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

export interface SlackAttachment {
  readonly color: string;
  readonly fallback: string;
  readonly blocks: readonly SlackBlock[];
}

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly attachments: readonly [SlackAttachment];
}

export interface SlackRenderOptions {
  /** Slack member id of the owner (U…/W…), mentioned on critical messages. */
  readonly ownerId?: string | undefined;
}

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text });

/** `*name*\nvalue`: the three extra characters count towards Slack's 2000. */
const fieldText = (f: MessageField) => `*${f.name}*\n${f.value}`;

export function renderSlack(message: NotificationMessage, options: SlackRenderOptions = {}): SlackPayload {
  const L = SLACK_LIMITS;
  const mention = message.mentionOwner && options.ownerId ? `<@${options.ownerId}>` : '';

  const top: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: clip(message.title, L.header), emoji: true } }];
  if (mention) top.push({ type: 'section', text: mrkdwn(mention) });

  const body: SlackBlock[] = [];
  const text = clip(message.text, L.sectionText, escapeSlack);
  if (text) body.push({ type: 'section', text: mrkdwn(text) });

  const nameMax = 200;
  const fields = fitFields(message.fields, {
    maxFields: L.fields,
    maxName: nameMax,
    maxValue: L.fieldText - nameMax - 3,
    budget: L.fieldsBudget,
    escapeName: escapeSlack,
    escapeValue: escapeSlack,
    cost: (f) => fieldText(f).length,
    more: (dropped) => ({ name: '…', value: escapeSlack(moreText(message, dropped)) }),
  });
  for (let i = 0; i < fields.length; i += L.fieldsPerSection) {
    body.push({ type: 'section', fields: fields.slice(i, i + L.fieldsPerSection).map((f) => mrkdwn(fieldText(f))) });
  }

  if (message.actions.length > 0) {
    const heading = `*${escapeSlack(renderWord(message, 'render.actions'))}*\n`;
    body.push({ type: 'section', text: mrkdwn(heading + clip(numberedActions(message.actions), L.sectionText - heading.length, escapeSlack)) });
  }
  const when = `${slackDate(message.timestamp)} · `;
  body.push({ type: 'context', elements: [mrkdwn(when + clip(message.footer, L.contextText - when.length, escapeSlack))] });

  const fallbackText = clip(`${message.title}\n${message.text}`, L.fallback - mention.length - 1, escapeSlack);
  return {
    text: mention ? `${mention} ${fallbackText}` : fallbackText,
    blocks: top,
    attachments: [{ color: severityHex(message.severity), fallback: fallbackText, blocks: body }],
  };
}

/** Slack shows `<!date^…>` in the reader's own time zone; the text after `|` is for old clients. */
function slackDate(iso: string): string {
  const instant = Date.parse(iso);
  if (!Number.isFinite(instant)) return escapeSlack(iso);
  return `<!date^${Math.floor(instant / 1000)}^{date_short_pretty} {time}|${escapeSlack(iso)}>`;
}
