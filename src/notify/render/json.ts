/**
 * Generic JSON for anything else (ntfy, n8n, Home Assistant, a relay of one's own): a flat,
 * stable object, not cut to any platform's limits. `fields` are `{name, value}` pairs, the
 * actions ending them as one more field ("What to do", a numbered list) so that no information is
 * lost. `id` is the event's id: delivery is at least once (a retry after a lost answer sends the
 * same event again), so a consumer that must act once de-duplicates on it.
 */
import type { EventType, Severity } from '../events.js';
import type { NotificationMessage } from '../message.js';
import { numberedActions, renderWord } from './common.js';

export interface JsonPayload {
  readonly id: string;
  readonly event: EventType | 'reply';
  readonly severity: Severity;
  readonly title: string;
  readonly text: string;
  readonly fields: readonly { readonly name: string; readonly value: string }[];
  /** ISO 8601 instant of the event. */
  readonly timestamp: string;
  readonly test: boolean;
}

export function renderJson(message: NotificationMessage): JsonPayload {
  const fields = message.fields.map((f) => ({ name: f.name, value: f.value }));
  if (message.actions.length > 0) fields.push({ name: renderWord(message, 'render.actions'), value: numberedActions(message.actions) });
  return {
    id: message.eventId,
    event: message.eventType,
    severity: message.severity,
    title: message.title,
    text: message.text,
    fields,
    timestamp: message.timestamp,
    test: message.test,
  };
}
