/**
 * What happened, as data. The booking core publishes these; the notification system (renderers,
 * channels, dispatcher) turns them into messages. No event ever carries a secret: only dates,
 * desk names, people's display names and errors' safe messages.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../time.js';

export const EVENT_TYPES = [
  'token-expired',
  'token-restored',
  'booking-success',
  'booking-failure',
  'daily-reminder',
  'vacation-cancellation',
  'channel-problem',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['critical', 'error', 'warning', 'success', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface BookedDesk {
  readonly date: string;
  readonly deskName: string | null;
  readonly spaceName: string | null;
  readonly moments: readonly string[];
}

export interface EventPayloads {
  'token-expired': {
    /** Why the tokens cannot be renewed, in words safe to show. */
    readonly error: string;
    readonly reason: 'refresh-refused' | 'no-refresh-token' | 'unauthorized';
    readonly incidentId: string;
  };
  'token-restored': { readonly user: string | null; readonly incidentId: string | null; readonly downSince: string | null };
  'booking-success': { readonly bookings: readonly BookedDesk[] };
  'booking-failure': { readonly failures: readonly { readonly date: string; readonly code: string; readonly reason: string }[] };
  'daily-reminder': { readonly date: string; readonly bookings: readonly BookedDesk[] };
  'vacation-cancellation': { readonly cancelled: readonly BookedDesk[] };
  /** A notification channel or chat platform does not work (disabled, missing channel or permission). */
  'channel-problem': {
    readonly channel: string;
    readonly problem: string;
    readonly fix: string;
    /** The dispatcher's id of the channel at fault: the warning is not routed to it. */
    readonly channelId?: string;
  };
}

export const EVENT_SEVERITY = {
  'token-expired': 'critical',
  'token-restored': 'success',
  'booking-success': 'success',
  'booking-failure': 'error',
  'daily-reminder': 'info',
  'vacation-cancellation': 'info',
  'channel-problem': 'warning',
} as const satisfies Record<EventType, Severity>;

export type BotEvent = {
  [K in EventType]: {
    readonly id: string;
    readonly type: K;
    /** ISO 8601 instant. */
    readonly at: string;
    readonly severity: Severity;
    /** A sample sent by test-alert, marked as such in every message. */
    readonly test: boolean;
    readonly data: EventPayloads[K];
  };
}[EventType];

export type EventOf<K extends EventType> = Extract<BotEvent, { type: K }>;

export function createEvent<K extends EventType>(type: K, data: EventPayloads[K], clock: Clock, test = false): EventOf<K> {
  return {
    id: randomUUID(),
    type,
    at: new Date(clock.now()).toISOString(),
    severity: EVENT_SEVERITY[type],
    test,
    data,
  } as EventOf<K>;
}

/** Where events go. `publish` returns at once and never throws: delivery is never the caller's problem. */
export interface EventSink {
  publish(event: BotEvent): void;
}

/** One English line per event, for the log. */
export function summarizeEvent(event: BotEvent): string {
  const desk = (b: BookedDesk) => `${b.date} ${b.deskName ?? 'no desk'}`;
  switch (event.type) {
    case 'token-expired':
      return `OneFlex tokens can no longer be renewed: ${event.data.error}. Sign in again and run 'oneflex-bot token set'.`;
    case 'token-restored':
      return `OneFlex tokens work again${event.data.user ? ` (${event.data.user})` : ''}.`;
    case 'booking-success':
      return `Booked ${event.data.bookings.length} day(s): ${event.data.bookings.map(desk).join(', ')}.`;
    case 'booking-failure':
      return `Could not book ${event.data.failures.length} day(s): ${event.data.failures.map((f) => `${f.date} (${f.reason})`).join(', ')}.`;
    case 'daily-reminder':
      return event.data.bookings.length
        ? `Today (${event.data.date}): ${event.data.bookings.map((b) => `${b.deskName ?? 'no desk'} ${b.moments.join('+')}`).join(', ')}.`
        : `Today (${event.data.date}): nothing booked.`;
    case 'vacation-cancellation':
      return `Cancelled ${event.data.cancelled.length} booking(s) during vacations: ${event.data.cancelled.map(desk).join(', ')}.`;
    case 'channel-problem':
      return `Notification channel ${event.data.channel} does not work: ${event.data.problem}. ${event.data.fix.charAt(0).toUpperCase()}${event.data.fix.slice(1)}`;
  }
}

/** Writes each event to the log; the notification channels of later stages sit beside it. */
export class LogEventSink implements EventSink {
  constructor(private readonly log: { log(level: string, message: string, meta: object): unknown }) {}
  publish(event: BotEvent): void {
    const level = event.severity === 'critical' || event.severity === 'error' ? 'warn' : 'info';
    this.log.log(level, summarizeEvent(event), { event: event.type, eventId: event.id, test: event.test || undefined });
  }
}

/** Sends every event to several sinks; one failing sink does not stop the others. */
export class FanOutSink implements EventSink {
  constructor(private readonly sinks: readonly EventSink[]) {}
  publish(event: BotEvent): void {
    for (const sink of this.sinks) {
      try {
        sink.publish(event);
      } catch {
        // A sink must not throw; if one does, the others still get the event.
      }
    }
  }
}

/** Keeps events in memory: `demo` prints them, `--json` returns them, tests read them. */
export class MemoryEventSink implements EventSink {
  readonly events: BotEvent[] = [];
  publish(event: BotEvent): void {
    this.events.push(event);
  }
}
