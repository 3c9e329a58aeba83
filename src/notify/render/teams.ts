/**
 * Microsoft Teams through a Power Automate "Workflows" webhook (the Office 365 connectors are
 * retired): a message holding one Adaptive Card 1.4. Limit: about 28 KB a message, so the card
 * is built under 27,000 UTF-8 bytes of JSON, cutting facts and text further until it fits.
 * A 2xx from the workflow does not prove the card was posted.
 */
import type { Severity } from '../events.js';
import type { NotificationMessage } from '../message.js';
import { moreText, renderWord } from './common.js';
import { clip, fitFields, fitToBytes } from './truncate.js';

export const TEAMS_MAX_BYTES = 27_000;

const COLORS = {
  critical: 'Attention',
  error: 'Attention',
  warning: 'Warning',
  success: 'Good',
  info: 'Accent',
} as const satisfies Record<Severity, string>;

export interface TeamsTextBlock {
  readonly type: 'TextBlock';
  readonly text: string;
  readonly wrap: true;
  readonly weight?: 'Bolder';
  readonly size?: 'Small' | 'Medium' | 'Large';
  readonly color?: (typeof COLORS)[Severity];
  readonly isSubtle?: boolean;
  readonly spacing?: 'None' | 'Medium';
}

export interface TeamsFactSet {
  readonly type: 'FactSet';
  readonly facts: readonly { readonly title: string; readonly value: string }[];
}

export interface TeamsPayload {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: {
        readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
        readonly type: 'AdaptiveCard';
        readonly version: '1.4';
        readonly body: readonly (TeamsTextBlock | TeamsFactSet)[];
        readonly msteams: { readonly width: 'Full' };
      };
    },
  ];
}

export function renderTeams(message: NotificationMessage): TeamsPayload {
  return fitToBytes((scale) => build(message, scale), TEAMS_MAX_BYTES);
}

function build(message: NotificationMessage, scale: number): TeamsPayload {
  const cap = (n: number) => Math.max(1, Math.floor(n * scale));
  const body: (TeamsTextBlock | TeamsFactSet)[] = [
    { type: 'TextBlock', text: clip(message.title, 256), weight: 'Bolder', size: 'Medium', color: COLORS[message.severity], wrap: true },
  ];
  const text = clip(message.text, cap(8000));
  if (text) body.push({ type: 'TextBlock', text, wrap: true });

  const facts = fitFields(message.fields, {
    maxFields: 30,
    maxName: 200,
    maxValue: cap(1000),
    budget: cap(16_000),
    more: (dropped) => ({ name: '…', value: moreText(message, dropped) }),
  });
  if (facts.length > 0) body.push({ type: 'FactSet', facts: facts.map((f) => ({ title: f.name, value: f.value })) });

  if (message.actions.length > 0) {
    body.push({ type: 'TextBlock', text: renderWord(message, 'render.actions'), weight: 'Bolder', wrap: true, spacing: 'Medium' });
    message.actions.forEach((action, i) => {
      body.push({ type: 'TextBlock', text: clip(`${i + 1}. ${action}`, cap(1000)), wrap: true, spacing: 'None' });
    });
  }
  body.push({ type: 'TextBlock', text: `${clip(message.footer, 500)} · ${teamsDate(message.timestamp)}`, size: 'Small', isSubtle: true, wrap: true });

  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** Adaptive Cards' DATE/TIME functions show the instant in the reader's zone and language; they want RFC 3339 without milliseconds. */
function teamsDate(iso: string): string {
  const instant = Date.parse(iso);
  if (!Number.isFinite(instant)) return iso;
  const rfc3339 = `${new Date(instant).toISOString().slice(0, 19)}Z`;
  return `{{DATE(${rfc3339}, SHORT)}} {{TIME(${rfc3339})}}`;
}
