/**
 * What notifications say to people, in French (default) and English. `compose.ts` writes the
 * messages with these; the renderers use the few `render.*` words they add themselves.
 * Keys ending in `.one` / `.other` are chosen by `Intl.PluralRules` (French puts 0 and 1 in `one`).
 */
import type { Locale } from '../i18n.js';

const fr = {
  'test.marker': '🧪 [TEST]',
  'test.notice': 'Ceci est un message de test envoyé par test-alert : rien ne s’est réellement passé.',
  'render.actions': 'À faire',
  'render.more': '… et {n} de plus',
  'render.urgent': '[URGENT]',
  'date.instant': '{date} à {time} ({zone})',
  'duration.minutes': '{m} min',
  'duration.hours': '{h} h {m} min',
  'duration.days': '{d} j {h} h',
  'desk.none': 'sans bureau',
  'desk.in-space': '{desk} ({space})',
  'moment.MORNING': 'matin',
  'moment.AFTERNOON': 'après-midi',
  'moment.full-day': 'journée entière',
  'token-expired.title': '🔑 Jetons OneFlex expirés : action requise',
  'token-expired.text':
    'Depuis le {time}, le bot ne peut plus renouveler ses jetons OneFlex : aucune réservation ne sera faite tant qu’il n’en a pas de nouveaux. Pas besoin de le redémarrer : il les utilise dès qu’ils sont donnés.',
  'token-expired.field.since': 'Depuis',
  'token-expired.field.error': 'Erreur',
  'token-expired.field.reason': 'Cause',
  'token-expired.field.incident': 'Incident',
  'token-expired.reason.refresh-refused': 'OneFlex a refusé le jeton de rafraîchissement',
  'token-expired.reason.no-refresh-token': 'aucun jeton de rafraîchissement enregistré',
  'token-expired.reason.unauthorized': 'OneFlex refuse le jeton d’accès',
  'token-expired.action.sign-in': 'Reconnectez-vous à OneFlex dans votre navigateur et copiez les cookies access_token et refresh_token',
  'token-expired.action.chat': 'Dans le chat : /oneflex token',
  'token-expired.action.server': 'Ou sur le serveur : oneflex-bot token set',
  'token-restored.title': '✅ Jetons OneFlex rétablis',
  'token-restored.text': 'Les jetons OneFlex fonctionnent de nouveau : les réservations reprennent.',
  'token-restored.text-user': 'Les jetons OneFlex fonctionnent de nouveau ({user}) : les réservations reprennent.',
  'token-restored.text-down': 'Ils étaient hors service depuis le {since} : {duration}.',
  'token-restored.field.user': 'Compte',
  'token-restored.field.down-since': 'Hors service depuis',
  'token-restored.field.duration': 'Durée',
  'booking-success.title.one': '✅ Bureau réservé pour {n} jour',
  'booking-success.title.other': '✅ Bureau réservé pour {n} jours',
  'booking-success.text.one': 'Nouvelle réservation : {date}.',
  'booking-success.text.other': '{n} nouvelles réservations, du {first} au {last}.',
  'booking-failure.title.one': '❌ Réservation impossible pour {n} jour',
  'booking-failure.title.other': '❌ Réservation impossible pour {n} jours',
  'booking-failure.text.one': 'Le bot n’a pas pu réserver le {date}. Réservez à la main dans OneFlex si besoin.',
  'booking-failure.text.other': 'Le bot n’a pas pu réserver {n} jours, du {first} au {last}. Réservez à la main dans OneFlex si besoin.',
  'booking-failure.reason': '{cause} ({detail})',
  'booking-failure.cause.desk_unavailable': 'tous les bureaux essayés sont pris',
  'booking-failure.cause.no_desk': 'aucun bureau à réserver (ONEFLEX_DESK_ID ou favoris OneFlex)',
  'booking-failure.cause.not_open': 'date pas encore ouverte à la réservation, ou passée',
  'booking-failure.cause.unauthorized': 'OneFlex a refusé le jeton d’accès',
  'booking-failure.cause.auth_required': 'jetons OneFlex expirés : reconnectez-vous',
  'booking-failure.cause.server_error': 'erreur du serveur OneFlex',
  'booking-failure.cause.network': 'OneFlex injoignable (réseau)',
  'booking-failure.cause.timeout': 'OneFlex n’a pas répondu à temps',
  'booking-failure.cause.invalid_response': 'réponse de OneFlex incompréhensible',
  'booking-failure.cause.rejected': 'OneFlex a refusé la réservation',
  'booking-failure.cause.internal': 'erreur interne du bot',
  'daily-reminder.title': '📅 Votre bureau aujourd’hui',
  'daily-reminder.title-none': '📅 Rien de réservé aujourd’hui',
  'daily-reminder.text': 'Réservé pour aujourd’hui, {day} : {list}.',
  'daily-reminder.text-none': 'Aucune réservation OneFlex pour aujourd’hui, {day}.',
  'daily-reminder.field.desk': 'Bureau',
  'vacation-cancellation.title.one': '🏖️ {n} réservation annulée pendant vos vacances',
  'vacation-cancellation.title.other': '🏖️ {n} réservations annulées pendant vos vacances',
  'vacation-cancellation.text.one': 'Cette réservation tombait pendant vos vacances : le bot l’a annulée dans OneFlex.',
  'vacation-cancellation.text.other': 'Ces réservations tombaient pendant vos vacances : le bot les a annulées dans OneFlex.',
  'channel-problem.title': '⚠️ Notifications en panne : {channel}',
  'channel-problem.text': 'Les notifications n’arrivent plus par ce canal tant que le problème n’est pas corrigé.',
  'channel-problem.field.channel': 'Canal',
  'channel-problem.field.problem': 'Problème',
} as const;

export type NotifyTextKey = keyof typeof fr;

// `satisfies` makes a missing or an unknown key a type error.
const en = {
  'test.marker': '🧪 [TEST]',
  'test.notice': 'This is a test message sent by test-alert: nothing actually happened.',
  'render.actions': 'What to do',
  'render.more': '… and {n} more',
  'render.urgent': '[URGENT]',
  'date.instant': '{date} at {time} ({zone})',
  'duration.minutes': '{m} min',
  'duration.hours': '{h} h {m} min',
  'duration.days': '{d} d {h} h',
  'desk.none': 'no desk',
  'desk.in-space': '{desk} ({space})',
  'moment.MORNING': 'morning',
  'moment.AFTERNOON': 'afternoon',
  'moment.full-day': 'full day',
  'token-expired.title': '🔑 OneFlex tokens expired: action needed',
  'token-expired.text':
    'Since {time}, the bot can no longer renew its OneFlex tokens: nothing will be booked until it gets new ones. No restart needed: it uses them as soon as they are given.',
  'token-expired.field.since': 'Since',
  'token-expired.field.error': 'Error',
  'token-expired.field.reason': 'Cause',
  'token-expired.field.incident': 'Incident',
  'token-expired.reason.refresh-refused': 'OneFlex refused the refresh token',
  'token-expired.reason.no-refresh-token': 'no refresh token stored',
  'token-expired.reason.unauthorized': 'OneFlex refuses the access token',
  'token-expired.action.sign-in': 'Sign in to OneFlex again in your browser and copy the access_token and refresh_token cookies',
  'token-expired.action.chat': 'In chat: /oneflex token',
  'token-expired.action.server': 'Or on the server: oneflex-bot token set',
  'token-restored.title': '✅ OneFlex tokens restored',
  'token-restored.text': 'The OneFlex tokens work again: booking resumes.',
  'token-restored.text-user': 'The OneFlex tokens work again ({user}): booking resumes.',
  'token-restored.text-down': 'They had been down since {since}: {duration}.',
  'token-restored.field.user': 'Account',
  'token-restored.field.down-since': 'Down since',
  'token-restored.field.duration': 'Duration',
  'booking-success.title.one': '✅ Desk booked for {n} day',
  'booking-success.title.other': '✅ Desk booked for {n} days',
  'booking-success.text.one': 'New booking: {date}.',
  'booking-success.text.other': '{n} new bookings, from {first} to {last}.',
  'booking-failure.title.one': '❌ Could not book {n} day',
  'booking-failure.title.other': '❌ Could not book {n} days',
  'booking-failure.text.one': 'The bot could not book {date}. Book it by hand in OneFlex if needed.',
  'booking-failure.text.other': 'The bot could not book {n} days, from {first} to {last}. Book them by hand in OneFlex if needed.',
  'booking-failure.reason': '{cause} ({detail})',
  'booking-failure.cause.desk_unavailable': 'every desk tried is taken',
  'booking-failure.cause.no_desk': 'no desk to book (ONEFLEX_DESK_ID or OneFlex favourites)',
  'booking-failure.cause.not_open': 'date not open for booking yet, or past',
  'booking-failure.cause.unauthorized': 'OneFlex refused the access token',
  'booking-failure.cause.auth_required': 'OneFlex tokens expired: sign in again',
  'booking-failure.cause.server_error': 'OneFlex server error',
  'booking-failure.cause.network': 'OneFlex unreachable (network)',
  'booking-failure.cause.timeout': 'OneFlex did not answer in time',
  'booking-failure.cause.invalid_response': 'an answer from OneFlex the bot does not understand',
  'booking-failure.cause.rejected': 'OneFlex refused the booking',
  'booking-failure.cause.internal': 'internal error of the bot',
  'daily-reminder.title': '📅 Your desk today',
  'daily-reminder.title-none': '📅 Nothing booked today',
  'daily-reminder.text': 'Booked for today, {day}: {list}.',
  'daily-reminder.text-none': 'No OneFlex booking for today, {day}.',
  'daily-reminder.field.desk': 'Desk',
  'vacation-cancellation.title.one': '🏖️ {n} booking cancelled during your vacation',
  'vacation-cancellation.title.other': '🏖️ {n} bookings cancelled during your vacation',
  'vacation-cancellation.text.one': 'This booking fell during your vacation: the bot cancelled it in OneFlex.',
  'vacation-cancellation.text.other': 'These bookings fell during your vacation: the bot cancelled them in OneFlex.',
  'channel-problem.title': '⚠️ Notifications failing: {channel}',
  'channel-problem.text': 'Notifications no longer arrive through this channel until the problem is fixed.',
  'channel-problem.field.channel': 'Channel',
  'channel-problem.field.problem': 'Problem',
} as const satisfies Record<NotifyTextKey, string>;

export const NOTIFY_TEXTS: Readonly<Record<Locale, Readonly<Record<NotifyTextKey, string>>>> = { fr, en };

export type NotifyTranslate = (key: NotifyTextKey, params?: Readonly<Record<string, string | number>>) => string;

/** Keys that exist in a singular and a plural form, e.g. `booking-success.title`. */
export type PluralKey = NotifyTextKey extends infer K ? (K extends `${infer Base}.one` ? Base : never) : never;

export function notifyTranslator(locale: Locale): NotifyTranslate {
  const dict = NOTIFY_TEXTS[locale];
  // One pass over the template, so a value that itself contains "{x}" is never substituted again.
  return (key, params = {}) => dict[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The singular or plural form of `base` for `n`, with `{n}` filled in. */
export function pluralText(locale: Locale, base: PluralKey, n: number, params: Readonly<Record<string, string | number>> = {}): string {
  const form = new Intl.PluralRules(locale).select(n) === 'one' ? 'one' : 'other';
  return notifyTranslator(locale)(`${base}.${form}`, { ...params, n });
}
