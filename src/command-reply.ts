/**
 * A command's result as a NotificationMessage, so that chat replies go through the same
 * renderers as notifications (a Discord embed, Slack blocks) and the CLI can print any result.
 */
import { randomUUID } from 'node:crypto';
import { deskLabel, outcomeCells } from './cli/output.js';
import type { CommandResult } from './command-contract.js';
import { formatDay, translator, type Locale } from './i18n.js';
import { formatInstant } from './notify/compose.js';
import type { Severity } from './notify/events.js';
import type { MessageField, NotificationMessage } from './notify/message.js';

export interface ReplyOptions {
  readonly locale: Locale;
  readonly timeZone: string;
  readonly now: number;
}

export function replyMessage(
  options: ReplyOptions,
  parts: { title: string; text: string; severity?: Severity; fields?: readonly MessageField[]; actions?: readonly string[] },
): NotificationMessage {
  return {
    eventId: randomUUID(),
    eventType: 'reply',
    severity: parts.severity ?? 'info',
    test: false,
    timestamp: new Date(options.now).toISOString(),
    title: parts.title,
    text: parts.text,
    fields: parts.fields ?? [],
    actions: parts.actions ?? [],
    mentionOwner: false,
    footer: 'oneflex-bot',
    locale: options.locale,
  };
}

const ICON: Record<string, string> = { created: '✅', 'would-book': '🔎', 'already-booked': '☑️', skipped: '⏭️', failed: '❌', cancelled: '🗑️' };

export function resultMessage(result: CommandResult, options: ReplyOptions): NotificationMessage {
  const t = translator(options.locale);
  const when = (iso: string) => formatInstant(iso, options.locale, options.timeZone);
  switch (result.kind) {
    case 'run': {
      const outcomes = result.report.outcomes;
      const count = (s: string) => outcomes.filter((o) => o.status === s).length;
      const summary = t('summary', {
        created: count('created') + count('would-book'),
        already: count('already-booked'),
        skipped: count('skipped'),
        failed: count('failed'),
      });
      const lines = outcomes.map((o) => {
        const [status, desk, details] = outcomeCells(o, t);
        return `${ICON[o.status] ?? '•'} ${formatDay(o.date, options.locale)} — ${[status, desk, details].filter(Boolean).join(' · ')}`;
      });
      if (result.report.dryRun) lines.push('', t('dry-run'));
      return replyMessage(options, {
        title: t('reply.run-title', { summary }),
        text: lines.length ? lines.join('\n') : t('table.empty'),
        severity: count('failed') ? 'error' : count('created') ? 'success' : 'info',
      });
    }
    case 'bookings':
      return replyMessage(options, {
        title: t('reply.bookings-title', { days: result.days }),
        text: result.bookings.length
          ? result.bookings.map((b) => `📅 ${formatDay(b.date, options.locale)} — ${deskLabel(b, t)} · ${b.moments.join(' + ')}`).join('\n')
          : t('show.none', { days: result.days }),
      });
    case 'cancelled':
      return replyMessage(options, {
        title: t('reply.cancel-title', { date: result.date }),
        text: result.bookings.length
          ? t(result.dryRun ? 'cancel.would' : 'cancel.done', { date: result.date, desk: result.bookings.map((b) => deskLabel(b, t)).join(', ') })
          : t('cancel.none', { date: result.date }),
        severity: result.bookings.length && !result.dryRun ? 'success' : 'info',
      });
    case 'status': {
      const s = result.status;
      const token =
        s.token.state === 'incident'
          ? t('reply.status-token-incident', { when: s.token.incident ? when(s.token.incident.since) : '?' })
          : s.token.state === 'missing'
            ? t('reply.status-token-missing')
            : t('reply.status-token-ok', { when: s.token.expiresAt ? when(s.token.expiresAt) : '?' });
      const lastRun = s.lastRun
        ? `${s.lastRun.ok === false ? '❌' : '✅'} ${s.lastRun.day}${s.lastRun.counts ? ` — ${Object.entries(s.lastRun.counts).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`
        : t('reply.status-never');
      const fields: MessageField[] = [
        { name: t('reply.status-token'), value: token },
        { name: t('reply.status-last-refresh'), value: s.token.lastRefreshAt ? when(s.token.lastRefreshAt) : t('reply.status-never'), inline: true },
        { name: t('reply.status-last-run'), value: lastRun, inline: true },
        { name: t('reply.status-next-run'), value: s.paused ? t('reply.status-paused', { when: when(s.paused.since) }) : when(s.nextRun), inline: true },
      ];
      if (s.nextReminder) fields.push({ name: t('reply.status-next-reminder'), value: when(s.nextReminder), inline: true });
      fields.push({
        name: t('reply.status-channels'),
        value: s.channels.length
          ? s.channels.map((c) => `${c.state === 'ok' ? '🟢' : c.state === 'retrying' ? '🟠' : '🔴'} ${c.label}${c.pending ? ` (${c.pending})` : ''}${c.lastError && c.state !== 'ok' ? ` — ${c.lastError}` : ''}`).join('\n')
          : t('reply.status-no-channel'),
      });
      fields.push({ name: t('reply.status-outbox'), value: String(s.outboxPending), inline: true });
      const healthy = s.token.state !== 'incident' && s.token.state !== 'missing';
      return replyMessage(options, { title: t('reply.status-title'), text: '', fields, severity: healthy ? 'success' : 'critical' });
    }
    case 'vacations': {
      const range = (r: { start: string; end: string }) => (r.start === r.end ? r.start : `${r.start} → ${r.end}`);
      const list = (rs: readonly { start: string; end: string }[]) => (rs.length ? rs.map(range).join('\n') : t('reply.vacations-none'));
      const text =
        result.range === null
          ? ''
          : t(result.change === 'added' ? 'reply.vacations-added' : result.change === 'removed' ? 'reply.vacations-removed' : 'reply.vacations-unchanged', {
              range: range(result.range),
            });
      return replyMessage(options, {
        title: t('reply.vacations-title'),
        text,
        fields: [
          { name: t('reply.vacations-chat'), value: list(result.fromChat) },
          { name: t('reply.vacations-config'), value: list(result.configured) },
        ],
        severity: result.change === 'none' ? 'info' : 'success',
      });
    }
    case 'paused':
      return replyMessage(options, {
        title: result.paused ? '⏸️' : '▶️',
        text: result.paused
          ? result.changed
            ? t('reply.paused')
            : t('reply.paused-already', { when: result.since ? when(result.since) : '?' })
          : result.changed
            ? t('reply.resumed')
            : t('reply.resumed-already'),
        severity: result.changed ? 'success' : 'info',
      });
    case 'test-alert': {
      const lines = result.reports.map((r) =>
        r.ok ? t('test-alert.ok', { channel: r.channel, ms: r.ms }) : t('test-alert.failed', { channel: r.channel, ms: r.ms, error: r.error ?? '' }),
      );
      return replyMessage(options, {
        title: t('reply.test-alert-title', { type: result.type }),
        text: lines.length ? lines.join('\n') : t('test-alert.none'),
        severity: result.reports.length && result.reports.every((r) => r.ok) ? 'success' : 'error',
      });
    }
    case 'tokens':
      return replyMessage(options, { title: t('reply.tokens-title'), text: t('reply.tokens-done', { user: result.user }), severity: 'success' });
  }
}
