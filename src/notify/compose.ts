/**
 * Event → the message a person reads, in their language and time zone, before any platform's
 * shape. Pure: the only time used is the event's own (`at`), and nothing leaves the event's data
 * except our own wording (events carry no secret, so neither does a message).
 */
import type { Locale } from '../i18n.js';
import { isCalendarDate, wallTime } from '../time.js';
import type { BookedDesk, BotEvent, EventOf } from './events.js';
import type { MessageField, NotificationMessage } from './message.js';
import { NOTIFY_TEXTS, notifyTranslator, pluralText, type NotifyTextKey, type NotifyTranslate } from './texts.js';

function isTextKey(key: string): key is NotifyTextKey {
  return Object.hasOwn(NOTIFY_TEXTS.en, key);
}

export interface ComposeOptions {
  readonly locale: Locale;
  /** IANA zone of the bot (e.g. Europe/Paris): instants are shown in it. */
  readonly timeZone: string;
  /** Footer of every message; "oneflex-bot" when absent. */
  readonly botName?: string;
}

export const DEFAULT_BOT_NAME = 'oneflex-bot';

/** What one event type contributes; the common parts (test marker, footer…) are added once. */
interface Body {
  readonly title: string;
  readonly text: string;
  readonly fields: readonly MessageField[];
  readonly actions: readonly string[];
}

interface Context {
  readonly locale: Locale;
  readonly timeZone: string;
  readonly t: NotifyTranslate;
}

export function buildMessage(event: BotEvent, options: ComposeOptions): NotificationMessage {
  const ctx: Context = { locale: options.locale, timeZone: options.timeZone, t: notifyTranslator(options.locale) };
  const body = composeBody(event, ctx);
  return {
    eventId: event.id,
    eventType: event.type,
    severity: event.severity,
    test: event.test,
    timestamp: event.at,
    title: event.test ? `${ctx.t('test.marker')} ${body.title}` : body.title,
    text: event.test ? `${ctx.t('test.notice')}\n\n${body.text}` : body.text,
    fields: body.fields,
    actions: body.actions,
    mentionOwner: event.severity === 'critical',
    footer: options.botName ?? DEFAULT_BOT_NAME,
    locale: options.locale,
  };
}

function composeBody(event: BotEvent, ctx: Context): Body {
  switch (event.type) {
    case 'token-expired':
      return tokenExpired(event, ctx);
    case 'token-restored':
      return tokenRestored(event, ctx);
    case 'booking-success':
      return bookingSuccess(event, ctx);
    case 'booking-failure':
      return bookingFailure(event, ctx);
    case 'daily-reminder':
      return dailyReminder(event, ctx);
    case 'vacation-cancellation':
      return vacationCancellation(event, ctx);
    case 'channel-problem':
      return channelProblem(event, ctx);
  }
}

function tokenExpired(event: EventOf<'token-expired'>, { t, locale, timeZone }: Context): Body {
  const since = formatInstant(event.at, locale, timeZone);
  return {
    title: t('token-expired.title'),
    text: t('token-expired.text', { time: since }),
    fields: [
      { name: t('token-expired.field.since'), value: since, inline: true },
      { name: t('token-expired.field.reason'), value: t(`token-expired.reason.${event.data.reason}`), inline: true },
      { name: t('token-expired.field.error'), value: event.data.error },
      { name: t('token-expired.field.incident'), value: event.data.incidentId, inline: true },
    ],
    actions: [t('token-expired.action.sign-in'), t('token-expired.action.chat'), t('token-expired.action.server')],
  };
}

function tokenRestored(event: EventOf<'token-restored'>, { t, locale, timeZone }: Context): Body {
  const { user, downSince } = event.data;
  const fields: MessageField[] = [];
  const sentences = [user ? t('token-restored.text-user', { user }) : t('token-restored.text')];
  if (user) fields.push({ name: t('token-restored.field.user'), value: user, inline: true });
  if (downSince) {
    const since = formatInstant(downSince, locale, timeZone);
    const duration = formatDuration(Date.parse(event.at) - Date.parse(downSince), t);
    fields.push({ name: t('token-restored.field.down-since'), value: since, inline: true });
    if (duration) {
      fields.push({ name: t('token-restored.field.duration'), value: duration, inline: true });
      sentences.push(t('token-restored.text-down', { since, duration }));
    }
  }
  return { title: t('token-restored.title'), text: sentences.join(' '), fields, actions: [] };
}

function bookingSuccess(event: EventOf<'booking-success'>, ctx: Context): Body {
  const bookings = byDate(event.data.bookings);
  const dates = bookings.map((b) => b.date);
  return {
    title: pluralText(ctx.locale, 'booking-success.title', bookings.length),
    text: spanText(ctx.locale, 'booking-success.text', dates),
    fields: bookings.map((b) => ({ name: formatDate(b.date, ctx.locale), value: deskWithMoments(b, ctx), inline: true })),
    actions: [],
  };
}

function bookingFailure(event: EventOf<'booking-failure'>, ctx: Context): Body {
  const failures = byDate(event.data.failures);
  return {
    title: pluralText(ctx.locale, 'booking-failure.title', failures.length),
    text: spanText(ctx.locale, 'booking-failure.text', failures.map((f) => f.date)),
    fields: failures.map((f) => ({ name: formatDate(f.date, ctx.locale), value: failureReason(f, ctx.t) })),
    actions: [],
  };
}

/** The engine's reason is English and technical: French messages lead with the cause in French. */
function failureReason(failure: { readonly code: string; readonly reason: string }, t: NotifyTranslate): string {
  const key = `booking-failure.cause.${failure.code}`;
  if (!isTextKey(key)) return `${failure.reason} (${failure.code})`;
  return t('booking-failure.reason', { cause: t(key), detail: failure.reason });
}

function dailyReminder(event: EventOf<'daily-reminder'>, ctx: Context): Body {
  const { t } = ctx;
  const { date, bookings } = event.data;
  const day = formatDate(date, ctx.locale);
  if (bookings.length === 0) {
    return { title: t('daily-reminder.title-none'), text: t('daily-reminder.text-none', { day }), fields: [], actions: [] };
  }
  return {
    title: t('daily-reminder.title'),
    text: t('daily-reminder.text', { day, list: bookings.map((b) => deskWithMoments(b, ctx)).join(' ; ') }),
    fields: bookings.map((b) => ({ name: t('daily-reminder.field.desk'), value: deskWithMoments(b, ctx), inline: true })),
    actions: [],
  };
}

function vacationCancellation(event: EventOf<'vacation-cancellation'>, ctx: Context): Body {
  const cancelled = byDate(event.data.cancelled);
  return {
    title: pluralText(ctx.locale, 'vacation-cancellation.title', cancelled.length),
    text: pluralText(ctx.locale, 'vacation-cancellation.text', cancelled.length),
    fields: cancelled.map((b) => ({ name: formatDate(b.date, ctx.locale), value: deskWithMoments(b, ctx), inline: true })),
    actions: [],
  };
}

function channelProblem(event: EventOf<'channel-problem'>, { t }: Context): Body {
  const { channel, problem, fix } = event.data;
  return {
    title: t('channel-problem.title', { channel }),
    text: t('channel-problem.text'),
    fields: [
      { name: t('channel-problem.field.channel'), value: channel },
      { name: t('channel-problem.field.problem'), value: problem },
    ],
    actions: [fix],
  };
}

/** Oldest first, whatever order the event lists them in (a stable sort keeps same-day entries' order). */
function byDate<T extends { readonly date: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** "Nouvelle réservation : mar. 1 déc. (2026-12-01)." or "3 …, du … au …." over the sorted dates. */
function spanText(locale: Locale, base: 'booking-success.text' | 'booking-failure.text', dates: readonly string[]): string {
  const sorted = [...dates].sort();
  const first = formatDate(sorted[0] ?? '', locale);
  const last = formatDate(sorted.at(-1) ?? '', locale);
  return pluralText(locale, base, dates.length, { date: first, first, last });
}

function deskWithMoments(b: BookedDesk, { t }: Context): string {
  const desk = b.deskName ?? t('desk.none');
  const where = b.spaceName ? t('desk.in-space', { desk, space: b.spaceName }) : desk;
  const when = formatMoments(b.moments, t);
  return when ? `${where} · ${when}` : where;
}

function formatMoments(moments: readonly string[], t: NotifyTranslate): string {
  const set = new Set(moments);
  if (set.has('MORNING') && set.has('AFTERNOON') && set.size === 2) return t('moment.full-day');
  return [...set].map((m) => (m === 'MORNING' || m === 'AFTERNOON' ? t(`moment.${m}`) : m)).join(' + ');
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(locale: Locale, withYear: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${withYear}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(withYear ? { year: 'numeric' } : {}),
      // Calendar dates are read on UTC noon: no zone can move them to another day.
      timeZone: 'UTC',
    });
    dayFormats.set(key, f);
  }
  return f;
}

/** A calendar date such as "mar. 1 déc. (2026-12-01)" / "Tue 1 Dec (2026-12-01)". */
export function formatDate(date: string, locale: Locale): string {
  if (!isCalendarDate(date)) return date;
  return `${dayFormat(locale, false).format(new Date(`${date}T12:00:00Z`))} (${date})`;
}

/** An instant in the bot's zone, e.g. "mar. 1 déc. 2026 à 08:00 (Europe/Paris)". */
export function formatInstant(iso: string, locale: Locale, timeZone: string): string {
  const instant = Date.parse(iso);
  if (!Number.isFinite(instant)) return iso;
  const wall = wallTime(instant, timeZone);
  const date = dayFormat(locale, true).format(new Date(`${wall.date}T12:00:00Z`));
  const time = `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
  return notifyTranslator(locale)('date.instant', { date, time, zone: timeZone });
}

/** "45 min", "2 h 05 min", "3 j 4 h"; empty for a negative or unknown span. */
export function formatDuration(ms: number, t: NotifyTranslate): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const totalMinutes = Math.floor(ms / 60_000);
  const d = Math.floor(totalMinutes / 1440);
  const h = Math.floor((totalMinutes % 1440) / 60);
  const m = totalMinutes % 60;
  if (d > 0) return t('duration.days', { d, h });
  if (h > 0) return t('duration.hours', { h, m: String(m).padStart(2, '0') });
  return t('duration.minutes', { m });
}
