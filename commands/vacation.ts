import { parseDateArgument, type CommandDefinition } from '../src/command-contract.js';
import { UserFacingError } from '../src/errors.js';
import { addDays, isCalendarDate } from '../src/time.js';

/** `vacation add|remove|list [start] [end]`: vacations kept in STATE_DIR, merged with VACATION_DATES. */
export const vacation = {
  name: 'vacation',
  description: { fr: 'Vos vacances : ajouter, retirer, lister (jamais réservées)', en: 'Your vacations: add, remove, list (never booked)' },
  options: [
    {
      name: 'action',
      type: 'choice',
      required: true,
      choices: ['add', 'remove', 'list'],
      description: { fr: 'add, remove ou list', en: 'add, remove or list' },
    },
    { name: 'start', type: 'date', description: { fr: 'Premier jour (AAAA-MM-JJ)', en: 'First day (YYYY-MM-DD)' } },
    { name: 'end', type: 'date', description: { fr: 'Dernier jour (AAAA-MM-JJ), le premier par défaut', en: 'Last day (YYYY-MM-DD), the first by default' } },
  ],
  changesState: true,
  async execute({ app }, args) {
    const action = String(args.action ?? '').trim();
    if (!['add', 'remove', 'list'].includes(action)) {
      throw new UserFacingError('bad_action', `'${action}' is not an action: use add, remove or list, for example vacation add ${addDays(app.runner.today(), 30)} ${addDays(app.runner.today(), 34)}`);
    }
    const configured = app.config.booking.vacations;
    if (action === 'list') {
      return { kind: 'vacations', change: 'none', range: null, configured, fromChat: (await app.settings.read()).vacations };
    }
    if (args.start === undefined) {
      throw new UserFacingError('missing_date', `vacation ${action} needs a first day, for example vacation ${action} ${addDays(app.runner.today(), 30)} ${addDays(app.runner.today(), 34)}`);
    }
    const start = action === 'add' ? parseDateArgument(args.start, app, { allowBeyondWindow: true }) : checkedDate(args.start);
    const end = args.end === undefined ? start : action === 'add' ? parseDateArgument(args.end, app, { allowBeyondWindow: true }) : checkedDate(args.end);
    if (end < start) throw new UserFacingError('inverted_range', `the vacation ends (${end}) before it starts (${start}): give the first day, then the last, for example vacation ${action} ${end} ${start}`);
    let changed = false;
    const settings = await app.settings.update((s) => {
      const exists = s.vacations.findIndex((v) => v.start === start && v.end === end);
      if (action === 'add' && exists < 0) {
        s.vacations.push({ start, end });
        changed = true;
      }
      if (action === 'remove' && exists >= 0) {
        s.vacations.splice(exists, 1);
        changed = true;
      }
    });
    if (action === 'remove' && !changed) {
      throw new UserFacingError('unknown_vacation', `there is no vacation from ${start} to ${end} set from chat (VACATION_DATES entries are changed in the .env); see vacation list`);
    }
    return { kind: 'vacations', change: changed ? (action === 'add' ? 'added' : 'removed') : 'none', range: { start, end }, configured, fromChat: settings.vacations };
  },
} satisfies CommandDefinition;

function checkedDate(value: unknown): string {
  const text = String(value ?? '').trim();
  if (!isCalendarDate(text)) throw new UserFacingError('bad_date', `'${text}' is not a date: expected YYYY-MM-DD, for example 2026-08-03`);
  return text;
}
