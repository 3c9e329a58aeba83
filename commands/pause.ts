import type { CommandDefinition } from '../src/command-contract.js';

/** `pause`: the scheduled booking stops until `resume` (reminders and alerts go on). */
export const pause = {
  name: 'pause',
  description: { fr: 'Suspendre la réservation automatique', en: 'Suspend the scheduled booking' },
  options: [],
  changesState: true,
  async execute({ app, invoker }) {
    let changed = false;
    const settings = await app.settings.update((s) => {
      if (!s.paused) {
        s.paused = { since: new Date(app.clock.now()).toISOString(), by: invoker ?? 'cli' };
        changed = true;
      }
    });
    if (changed) app.logger.info('scheduled booking paused', { by: invoker ?? 'cli' });
    return { kind: 'paused', paused: true, changed, since: settings.paused?.since ?? null };
  },
} satisfies CommandDefinition;
