import { integerArgument, type CommandDefinition } from '../src/command-contract.js';

/** `show [days]`: the bookings of today and the next days. */
export const show = {
  name: 'show',
  description: { fr: 'Voir vos réservations à venir', en: 'See your upcoming bookings' },
  options: [
    {
      name: 'days',
      type: 'integer',
      min: 1,
      max: 90,
      description: { fr: 'Nombre de jours à afficher (14 par défaut)', en: 'How many days to show (14 by default)' },
    },
  ],
  changesState: false,
  async execute({ app }, args) {
    const days = integerArgument(args.days, 'days', 1, 90) ?? 14;
    return { kind: 'bookings', days, bookings: await app.runner.upcoming(days) };
  },
} satisfies CommandDefinition;
