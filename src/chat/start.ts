/**
 * Starts the chat bots the configuration asks for (Discord, Slack): each answers `/oneflex` through
 * one command handler and is a channel of the dispatcher. Their problems (refused token, missing
 * alert channel or permission) go out as `channel-problem` warnings through the other channels. A
 * platform that fails never stops the rest of the bot.
 */
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { NotificationChannel } from '../notify/channel.js';
import type { Dispatcher } from '../notify/dispatcher.js';
import { createEvent } from '../notify/events.js';
import type { ChatConnection } from './contract.js';
import { createChatCommandHandler } from './handler.js';

export interface StartedChat {
  readonly connections: readonly ChatConnection[];
}

/** How long start-up waits for the platforms before the scheduler starts anyway. */
const READY_WAIT_MS = 8000;

/** Builds the bots and adds their channels to the dispatcher (call before `dispatcher.start()`), then connects them. */
export async function startChat(app: App, logger: Logger, dispatcher: Dispatcher): Promise<StartedChat> {
  const { config } = app;
  const connections: ChatConnection[] = [];
  if (!config.discord && !config.slack) return { connections };
  const handler = createChatCommandHandler({ app, config, logger });
  const starts: Promise<void>[] = [];
  /** A platform's problem, told through the other channels (never routed to the one at fault). */
  const reportProblem = (channel: NotificationChannel, problem: { readonly message: string; readonly fix: string }): void =>
    app.events.publish(createEvent('channel-problem', { channel: channel.label, channelId: channel.id, problem: problem.message, fix: problem.fix }, app.clock));

  // Each SDK is loaded only when its platform is configured: discord.js and Bolt weigh ~30–50 MB each.
  if (config.discord) {
    const { DiscordBot } = await import('./discord/bot.js');
    const discord = new DiscordBot({
      config: config.discord,
      handler,
      logger,
      onProblem: (problem) => reportProblem(discord.channel, problem),
    });
    dispatcher.addRoute({ channel: discord.channel, events: config.notify.events });
    connections.push(discord);
    starts.push(discord.start());
  }

  if (config.slack) {
    const slackConfig = config.slack;
    const { createSlackBot } = await import('./slack/bot.js');
    const slack = createSlackBot({
      config: slackConfig,
      handler,
      logger,
      onProblem: (problem) => reportProblem(slack.channel, problem),
    });
    dispatcher.addRoute({ channel: slack.channel, events: config.notify.events });
    connections.push(slack);
    starts.push(slack.start().then(() => undefined));
  }

  // Connecting goes on in the background past this wait: a NAS often boots before its network.
  await Promise.race([Promise.allSettled(starts), new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
  return { connections };
}
