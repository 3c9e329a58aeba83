/**
 * The notification system, built from the configuration: one channel per webhook URL, e-mail when
 * enabled, plus the chat bots' channels the caller adds; routed by NOTIFICATION_EVENTS and
 * NOTIFICATION_EMAIL_EVENTS; behind one dispatcher with its outbox under STATE_DIR.
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { EmailChannel } from './channels/email.js';
import { WebhookChannel } from './channels/webhook.js';
import { buildMessage } from './compose.js';
import { Dispatcher, type DeliveryObserver, type Route, type Timers } from './dispatcher.js';
import { Heartbeat } from './heartbeat.js';

export interface NotificationSetup {
  readonly dispatcher: Dispatcher;
  readonly heartbeat: Heartbeat | undefined;
}

export interface NotificationSetupOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Routes of channels built elsewhere (the Discord and Slack bots). */
  readonly extraRoutes?: readonly Route[];
  readonly timers?: Timers;
  readonly observer?: DeliveryObserver;
}

export function configuredRoutes(config: Config): Route[] {
  const owners = config.owners;
  const routes: Route[] = config.notify.webhooks.map((target) => ({
    channel: new WebhookChannel(target, { ownerIds: owners }),
    events: config.notify.events,
  }));
  if (config.notify.email) routes.push({ channel: new EmailChannel(config.notify.email), events: config.notify.email.events });
  return routes;
}

export function createNotifications(options: NotificationSetupOptions): NotificationSetup {
  const { config, logger } = options;
  const dispatcher = new Dispatcher({
    routes: [...configuredRoutes(config), ...(options.extraRoutes ?? [])],
    stateDir: config.stateDir,
    logger,
    compose: (event) => buildMessage(event, { locale: config.locale, timeZone: config.timeZone }),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const heartbeat = config.notify.heartbeatUrl ? new Heartbeat({ url: config.notify.heartbeatUrl, logger }) : undefined;
  return { dispatcher, heartbeat };
}
