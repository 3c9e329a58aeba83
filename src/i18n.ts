/**
 * What the bot says to people, in French (default: the users are French) and English.
 * Logs stay in English; this is for messages and command output.
 */
export type Locale = 'fr' | 'en';

const fr = {
  'status.created': 'réservé',
  'status.created-recovered': 'réservé (réponse perdue, réservation vérifiée)',
  'status.would-book': 'serait réservé',
  'status.already-booked': 'déjà réservé',
  'status.skipped': 'ignoré',
  'status.failed': 'échec',
  'status.cancelled': 'annulé (vacances)',
  'skip.vacation': 'vacances',
  'skip.holiday': 'jour férié',
  'skip.cancelled-by-user': 'annulé par vous',
  'skip.not-office-day': 'pas un jour de bureau',
  'skip.outside-window': 'pas encore ouvert à la réservation',
  'skip.past': 'date passée',
  'desk.none': 'sans bureau',
  'table.date': 'Date',
  'table.result': 'Résultat',
  'table.desk': 'Bureau',
  'table.details': 'Détails',
  'table.empty': 'Rien à faire : aucune date à réserver.',
  'summary': '{created} réservé(s), {already} déjà réservé(s), {skipped} ignoré(s), {failed} en échec',
  'dry-run': 'Simulation : aucune réservation n’a été faite.',
  'show.none': 'Aucune réservation dans les {days} prochains jours.',
  'cancel.none': 'Aucune réservation le {date}.',
  'cancel.done': 'Réservation du {date} annulée ({desk}). Le bot ne la refera pas.',
  'cancel.would': 'Serait annulée : {date} ({desk}).',
  'token.prompt-access': 'Jeton d’accès (cookie access_token) : ',
  'token.prompt-refresh': 'Jeton de rafraîchissement (cookie refresh_token) : ',
  'token.stored': 'Jetons vérifiés et enregistrés : ils appartiennent à {user}. Le bot en cours les utilise sans redémarrage.',
  'token.none-given': 'Aucun jeton reçu sur l’entrée standard. Exemple : printf "%s\\n%s\\n" "$ACCESS" "$REFRESH" | oneflex-bot token set',
  'check.config': 'Configuration : valide ({file})',
  'check.config-env-only': 'Configuration : valide (variables d’environnement seules, aucun fichier .env)',
  'check.url': 'OneFlex : {url}',
  'check.user': 'Connecté en tant que : {user}',
  'check.token': 'Jeton d’accès : expire {when}',
  'check.token-unknown': 'Jeton d’accès : date d’expiration inconnue',
  'check.refresh': 'Jeton de rafraîchissement : {state}',
  'check.refresh-yes': 'présent',
  'check.refresh-no': 'absent (le bot ne pourra pas renouveler le jeton d’accès)',
  'check.desks': 'Bureaux essayés, dans l’ordre : {desks}',
  'check.no-desk': 'Aucun bureau : définissez ONEFLEX_DESK_ID et ONEFLEX_SPACE_ID, ou ajoutez des favoris dans OneFlex',
  'check.next-run': 'Prochaine réservation automatique : {when} ({mode})',
  'check.mode-single': 'la date à J+{days}',
  'check.mode-recurring': 'les jours de bureau des {weeks} prochaines semaines',
  'auth.required': 'Les jetons OneFlex ne peuvent plus être renouvelés : reconnectez-vous à OneFlex, puis donnez de nouveaux jetons au bot (oneflex-bot token set).',
  'demo.title': 'Démo : bac à sable OneFlex sur {url}, utilisateur de démo {user}, aujourd’hui {today}.',
  'demo.events': 'Notifications qui seraient envoyées :',
  'demo.none': '(aucune)',
  'test-alert.ok': '✓ {channel} : envoyé ({ms} ms)',
  'test-alert.failed': '✗ {channel} : {error} ({ms} ms)',
  'test-alert.none': 'Aucun canal de notification n’est configuré : renseignez NOTIFICATION_WEBHOOK_URL, NOTIFICATION_EMAIL_ENABLED avec SMTP_*, DISCORD_TOKEN ou SLACK_BOT_TOKEN.',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'status.created': 'booked',
  'status.created-recovered': 'booked (answer lost, booking verified)',
  'status.would-book': 'would book',
  'status.already-booked': 'already booked',
  'status.skipped': 'skipped',
  'status.failed': 'failed',
  'status.cancelled': 'cancelled (vacation)',
  'skip.vacation': 'vacation',
  'skip.holiday': 'public holiday',
  'skip.cancelled-by-user': 'cancelled by you',
  'skip.not-office-day': 'not an office day',
  'skip.outside-window': 'not open for booking yet',
  'skip.past': 'date in the past',
  'desk.none': 'no desk',
  'table.date': 'Date',
  'table.result': 'Result',
  'table.desk': 'Desk',
  'table.details': 'Details',
  'table.empty': 'Nothing to do: no date to book.',
  'summary': '{created} booked, {already} already booked, {skipped} skipped, {failed} failed',
  'dry-run': 'Dry run: nothing was booked.',
  'show.none': 'No booking in the next {days} days.',
  'cancel.none': 'No booking on {date}.',
  'cancel.done': 'Booking of {date} cancelled ({desk}). The bot will not book it again.',
  'cancel.would': 'Would cancel: {date} ({desk}).',
  'token.prompt-access': 'Access token (access_token cookie): ',
  'token.prompt-refresh': 'Refresh token (refresh_token cookie): ',
  'token.stored': 'Tokens checked and stored: they belong to {user}. A running bot uses them without a restart.',
  'token.none-given': 'No token received on standard input. Example: printf "%s\\n%s\\n" "$ACCESS" "$REFRESH" | oneflex-bot token set',
  'check.config': 'Configuration: valid ({file})',
  'check.config-env-only': 'Configuration: valid (environment variables only, no .env file)',
  'check.url': 'OneFlex: {url}',
  'check.user': 'Signed in as: {user}',
  'check.token': 'Access token: expires {when}',
  'check.token-unknown': 'Access token: expiry unknown',
  'check.refresh': 'Refresh token: {state}',
  'check.refresh-yes': 'present',
  'check.refresh-no': 'missing (the bot cannot renew the access token)',
  'check.desks': 'Desks tried, in order: {desks}',
  'check.no-desk': 'No desk: set ONEFLEX_DESK_ID and ONEFLEX_SPACE_ID, or add favourites in OneFlex',
  'check.next-run': 'Next automatic booking: {when} ({mode})',
  'check.mode-single': 'the date {days} days ahead',
  'check.mode-recurring': 'office days of the next {weeks} weeks',
  'auth.required': 'OneFlex tokens can no longer be renewed: sign in to OneFlex again, then give the bot new tokens (oneflex-bot token set).',
  'demo.title': 'Demo: OneFlex sandbox at {url}, demo user {user}, today {today}.',
  'demo.events': 'Notifications that would be sent:',
  'demo.none': '(none)',
  'test-alert.ok': '✓ {channel}: delivered ({ms} ms)',
  'test-alert.failed': '✗ {channel}: {error} ({ms} ms)',
  'test-alert.none': 'No notification channel is configured: set NOTIFICATION_WEBHOOK_URL, NOTIFICATION_EMAIL_ENABLED with SMTP_*, DISCORD_TOKEN or SLACK_BOT_TOKEN.',
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = { fr, en };

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, params = {}) => dict[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A date such as "mar. 01/12/2026" / "Tue 2026-12-01", for tables. */
export function formatDay(date: string, locale: Locale): string {
  const weekday = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
  return `${weekday} ${date}`;
}
