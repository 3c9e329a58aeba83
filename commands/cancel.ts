import { parseDateArgument, type CommandDefinition } from '../src/command-contract.js';

/** `cancel date`: cancels the day's bookings and remembers it, so the bot does not book it again. */
export const cancel = {
  name: 'cancel',
  description: {
    fr: 'Annuler la réservation d’un jour (le bot ne la refera pas)',
    en: 'Cancel the booking of a day (the bot will not book it again)',
  },
  options: [
    { name: 'date', type: 'date', required: true, description: { fr: 'Date à annuler (AAAA-MM-JJ)', en: 'Date to cancel (YYYY-MM-DD)' } },
    { name: 'dry-run', type: 'boolean', description: { fr: 'Montrer sans annuler', en: 'Show without cancelling' } },
  ],
  changesState: true,
  async execute({ app }, args) {
    const date = parseDateArgument(args.date, app, { allowBeyondWindow: true });
    const dryRun = args['dry-run'] === true;
    return { kind: 'cancelled', date, dryRun, bookings: await app.runner.cancelDate(date, { dryRun }) };
  },
} satisfies CommandDefinition;
