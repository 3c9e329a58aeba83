import type { CommandDefinition } from '../src/command-contract.js';

/** `resume`: the scheduled booking starts again with the next run. */
export const resume = {
  name: 'resume',
  description: { fr: 'Reprendre la réservation automatique', en: 'Resume the scheduled booking' },
  options: [],
  changesState: true,
  async execute({ app, invoker }) {
    let changed = false;
    await app.settings.update((s) => {
      if (s.paused) {
        s.paused = null;
        changed = true;
      }
    });
    if (changed) app.logger.info('scheduled booking resumed', { by: invoker ?? 'cli' });
    return { kind: 'paused', paused: false, changed, since: null };
  },
} satisfies CommandDefinition;
