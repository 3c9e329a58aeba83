/**
 * What every renderer adds the same way: the few words of its own (in the message's language),
 * the numbered actions, the instant in UTC for targets that cannot show the reader's own zone.
 */
import type { Locale } from '../../i18n.js';
import type { NotificationMessage } from '../message.js';
import { notifyTranslator, type NotifyTextKey } from '../texts.js';

/** The message's language, for the words a renderer adds itself. */
export function localeOf(message: NotificationMessage): Locale {
  return message.locale ?? 'fr';
}

export function renderWord(message: NotificationMessage, key: Extract<NotifyTextKey, `render.${string}`>): string {
  return notifyTranslator(localeOf(message))(key);
}

/** "… and 276 more" / "… et 276 de plus". */
export function moreText(message: NotificationMessage, dropped: number): string {
  return notifyTranslator(localeOf(message))('render.more', { n: dropped });
}

/** The actions as a numbered list, one per line ("1. …\n2. …"), to be escaped as a whole. */
export function numberedActions(actions: readonly string[]): string {
  return actions.map((action, i) => `${i + 1}. ${action}`).join('\n');
}

/** "2026-12-01 07:00 UTC", or the text as given when it is not an instant. */
export function utcLabel(iso: string): string {
  const instant = Date.parse(iso);
  if (!Number.isFinite(instant)) return iso;
  const s = new Date(instant).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)} UTC`;
}
