/**
 * Google Chat incoming webhook: `text` (the notification line) and one `cardsV2` card. Card text
 * takes a small HTML subset, so it is HTML-escaped and line breaks become `<br>`. The `text`
 * line has no escape at all and reads `<users/all>` as a mention of everyone, so its angle
 * brackets are replaced by look-alikes (‹ ›). A message must stay under 32,000 bytes: the card is
 * built under 27,000 bytes of JSON, cutting further until it fits. ~60 messages a minute a space.
 */
import type { NotificationMessage } from '../message.js';
import { moreText, numberedActions, renderWord, utcLabel } from './common.js';
import { clip, fitFields, fitToBytes, oneLine } from './truncate.js';

export const GCHAT_MAX_BYTES = 27_000;

export interface GoogleChatWidget {
  readonly textParagraph?: { readonly text: string };
  readonly decoratedText?: { readonly topLabel: string; readonly text: string; readonly wrapText: true };
}

export interface GoogleChatSection {
  readonly header?: string;
  readonly widgets: readonly GoogleChatWidget[];
}

export interface GoogleChatPayload {
  readonly text: string;
  readonly cardsV2: readonly [
    {
      readonly cardId: string;
      readonly card: {
        readonly header: { readonly title: string; readonly subtitle: string };
        readonly sections: readonly GoogleChatSection[];
      };
    },
  ];
}

/** For card text (formatted text): escape HTML, keep line breaks. */
export function escapeGoogleChatCard(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br>');
}

/** For the plain `text` line, where `<…>` would be a mention or a link. */
export function neutralizeGoogleChatText(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›');
}

export function renderGoogleChat(message: NotificationMessage): GoogleChatPayload {
  return fitToBytes((scale) => build(message, scale), GCHAT_MAX_BYTES);
}

function build(message: NotificationMessage, scale: number): GoogleChatPayload {
  const cap = (n: number) => Math.max(1, Math.floor(n * scale));
  const sections: GoogleChatSection[] = [];
  const text = clip(message.text, cap(4000), escapeGoogleChatCard);
  if (text) sections.push({ widgets: [{ textParagraph: { text } }] });

  const fields = fitFields(message.fields, {
    maxFields: 30,
    maxName: 200,
    maxValue: cap(1000),
    budget: cap(16_000),
    escapeValue: escapeGoogleChatCard,
    more: (dropped) => ({ name: '…', value: escapeGoogleChatCard(moreText(message, dropped)) }),
  });
  if (fields.length > 0) {
    sections.push({ widgets: fields.map((f) => ({ decoratedText: { topLabel: f.name, text: f.value, wrapText: true } })) });
  }
  if (message.actions.length > 0) {
    sections.push({
      header: renderWord(message, 'render.actions'),
      widgets: [{ textParagraph: { text: clip(numberedActions(message.actions), cap(4000), escapeGoogleChatCard) } }],
    });
  }

  const title = clip(oneLine(message.title), 200);
  return {
    text: neutralizeGoogleChatText(title),
    cardsV2: [
      {
        cardId: `oneflex-bot-${message.eventId}`,
        card: {
          header: { title, subtitle: clip(`${message.footer} · ${utcLabel(message.timestamp)}`, 200) },
          sections,
        },
      },
    ],
  };
}
