import type { BotStatus, CommandDefinition } from '../src/command-contract.js';
import { nextInstant } from '../src/schedule/scheduler.js';

/** `status`: token health, last run, next runs, pause, each channel's health, the outbox. */
export const status = {
  name: 'status',
  description: { fr: 'État du bot : jetons, dernière réservation, prochaines, canaux', en: 'Bot status: tokens, last run, next runs, channels' },
  options: [],
  changesState: false,
  privateReply: true,
  async execute({ app }) {
    const runs = await app.runLog.read();
    const settings = await app.settings.read();
    const now = app.clock.now();
    const { time, reminderTime } = app.config.booking;
    const result: BotStatus = {
      token: app.tokens.status(),
      lastRun: runs.lastRun ? { day: runs.lastRun.day, finishedAt: runs.lastRun.finishedAt, ok: runs.lastRun.ok, counts: runs.lastRun.counts } : null,
      nextRun: new Date(nextInstant(now, time, app.config.timeZone)).toISOString(),
      nextReminder: reminderTime ? new Date(nextInstant(now, reminderTime, app.config.timeZone)).toISOString() : null,
      paused: settings.paused,
      channels: app.notifier.health().map((h) => ({ label: h.label, state: h.state, pending: h.pending, lastError: h.lastError ?? h.disabledReason })),
      outboxPending: app.notifier.pending,
    };
    return { kind: 'status', status: result };
  },
} satisfies CommandDefinition;
