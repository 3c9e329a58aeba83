/**
 * One readable line per message, for the console and the log (and what `demo` prints): the
 * title, the text, the first fields and the actions, without line breaks, at most 1000 characters.
 */
import type { NotificationMessage } from '../message.js';
import { moreText } from './common.js';
import { clip, fitFields, oneLine } from './truncate.js';

export const LINE_MAX = 1000;

export function renderLine(message: NotificationMessage): string {
  const fields = fitFields(message.fields, {
    maxFields: 10,
    maxName: 60,
    maxValue: 160,
    budget: 600,
    escapeName: oneLine,
    escapeValue: oneLine,
    more: (dropped) => ({ name: '', value: moreText(message, dropped) }),
  });
  const parts = [`${oneLine(message.title)} — ${oneLine(message.text)}`];
  if (fields.length > 0) parts.push(fields.map((f) => (f.name ? `${f.name}: ${f.value}` : f.value)).join(' · '));
  if (message.actions.length > 0) parts.push(`→ ${message.actions.map(oneLine).join(' ; ')}`);
  return clip(parts.join(' | '), LINE_MAX);
}
