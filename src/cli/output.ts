/** Command results as readable tables (stdout), in the user's language. */
import type { DateOutcome, RunReport } from '../booking/runner.js';
import type { CommandResult } from '../command-contract.js';
import { formatDay, type Locale, type Translate } from '../i18n.js';
import type { BookedDesk } from '../notify/events.js';
import type { NotificationMessage } from '../notify/message.js';
import { resultMessage } from '../command-reply.js';

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function deskLabel(desk: { deskName: string | null; spaceName: string | null } | null, t: Translate): string {
  if (!desk || (!desk.deskName && !desk.spaceName)) return t('desk.none');
  return [desk.deskName, desk.spaceName ? `(${desk.spaceName})` : null].filter(Boolean).join(' ');
}

export function outcomeCells(o: DateOutcome, t: Translate): [string, string, string] {
  switch (o.status) {
    case 'created':
      return [t(o.recovered ? 'status.created-recovered' : 'status.created'), deskLabel(o.desk, t), ''];
    case 'would-book':
      return [t('status.would-book'), deskLabel(o.desk, t), ''];
    case 'already-booked':
      return [t('status.already-booked'), deskLabel(o.desk, t), o.desk?.deskName ? '' : (o.kind ?? '')];
    case 'skipped':
      return [t('status.skipped'), '', t(`skip.${o.reason}`) + (o.detail ? ` (${o.detail})` : '')];
    case 'failed':
      return [t('status.failed'), '', o.reason];
    case 'cancelled':
      return [t('status.cancelled'), deskLabel(o.desk, t), ''];
  }
}

export function renderRunReport(report: RunReport, t: Translate, locale: Locale): string {
  if (report.outcomes.length === 0) return t('table.empty');
  const rows = report.outcomes.map((o) => [formatDay(o.date, locale), ...outcomeCells(o, t)]);
  const count = (s: DateOutcome['status']) => report.outcomes.filter((o) => o.status === s).length;
  const summary = t('summary', {
    created: count('created') + count('would-book'),
    already: count('already-booked'),
    skipped: count('skipped'),
    failed: count('failed'),
  });
  const parts = [renderTable([t('table.date'), t('table.result'), t('table.desk'), t('table.details')], rows), '', summary];
  if (report.dryRun) parts.push(t('dry-run'));
  return parts.join('\n');
}

export function renderBookings(bookings: readonly BookedDesk[], days: number, t: Translate, locale: Locale): string {
  if (bookings.length === 0) return t('show.none', { days });
  const rows = bookings.map((b) => [formatDay(b.date, locale), deskLabel(b, t), b.moments.join(' + ')]);
  return renderTable([t('table.date'), t('table.desk'), t('table.details')], rows);
}

export function renderResult(result: CommandResult, t: Translate, locale: Locale): string {
  switch (result.kind) {
    case 'run':
      return renderRunReport(result.report, t, locale);
    case 'bookings':
      return renderBookings(result.bookings, result.days, t, locale);
    case 'cancelled':
      if (result.bookings.length === 0) return t('cancel.none', { date: result.date });
      return t(result.dryRun ? 'cancel.would' : 'cancel.done', {
        date: result.date,
        desk: result.bookings.map((b) => deskLabel(b, t)).join(', '),
      });
    default:
      return renderPlain(resultMessage(result, { locale, timeZone: 'UTC', now: Date.now() }));
  }
}

/** Title, text and fields as plain lines (results the CLI has no table for). */
function renderPlain(message: NotificationMessage): string {
  return [message.title, message.text, ...message.fields.map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join('\n');
}
