import { scheduledMode } from '../src/app.js';
import { integerArgument, parseDateArgument, type CommandDefinition } from '../src/command-contract.js';

/** `book [date] [force] [dry-run] [weeks]`: the normal run, one date, or N weeks of office days. */
export const book = {
  name: 'book',
  description: {
    fr: 'Réserver maintenant : la réservation habituelle, ou une date précise',
    en: 'Book now: the usual booking, or one given date',
  },
  options: [
    { name: 'date', type: 'date', description: { fr: 'Date à réserver (AAAA-MM-JJ)', en: 'Date to book (YYYY-MM-DD)' } },
    {
      name: 'force',
      type: 'boolean',
      description: {
        fr: 'Réserver même en vacances, un jour férié ou une date que vous aviez annulée',
        en: 'Book even on a vacation, a public holiday or a date you had cancelled',
      },
    },
    { name: 'dry-run', type: 'boolean', description: { fr: 'Montrer le plan sans rien réserver', en: 'Show the plan without booking' } },
    {
      name: 'weeks',
      type: 'integer',
      min: 1,
      max: 52,
      description: { fr: 'Réserver les jours de bureau des N prochaines semaines', en: 'Book the office days of the next N weeks' },
    },
  ],
  changesState: true,
  async execute({ app }, args) {
    const force = args.force === true;
    const weeks = integerArgument(args.weeks, 'weeks', 1, 52);
    const mode =
      args.date !== undefined
        ? { kind: 'dates' as const, dates: [parseDateArgument(args.date, app, { allowBeyondWindow: force })] }
        : weeks !== undefined
          ? { kind: 'recurring' as const, weeks }
          : scheduledMode(app.config);
    const report = await app.runner.run({ mode, force, dryRun: args['dry-run'] === true });
    return { kind: 'run', report };
  },
} satisfies CommandDefinition;
