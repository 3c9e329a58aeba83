/**
 * What a person must fix for the Slack bot to work, in words safe to show (never a token): the
 * `message` says what is wrong, the `fix` what to do. main.ts turns each into a `channel-problem`
 * event (`problem` = message, `fix` = fix).
 */
import type { ChatProblem } from '../contract.js';

export type SlackProblemCode =
  | 'token-refused'
  | 'app-token-refused'
  | 'port-unavailable'
  | 'unreachable'
  | 'alert-channel-missing'
  | 'alert-channel-not-member'
  | 'alert-channel-archived'
  | 'alert-channel-unchecked'
  | 'missing-scope';

export interface SlackBotProblem extends ChatProblem {
  readonly code: SlackProblemCode;
}

/** How the bot is invited in the hints; the app manifest names it so. */
const BOT_MENTION = '@OneFlex';

export { problemText } from '../contract.js';

export const slackProblems = {
  alertChannelMissing: (name: string): SlackBotProblem => ({
    code: 'alert-channel-missing',
    message: `the Slack channel #${name} was not found (SLACK_ALERT_CHANNEL)`,
    fix: `create it and invite the bot (/invite ${BOT_MENTION}), or set SLACK_ALERT_CHANNEL to an existing channel`,
  }),
  notMember: (name: string, joinFailure?: string): SlackBotProblem => ({
    code: 'alert-channel-not-member',
    message: `the bot is not a member of #${name}${joinFailure ? ` and could not join it (${joinFailure})` : ''}`,
    fix: `invite the bot to #${name}: /invite ${BOT_MENTION}`,
  }),
  archived: (name: string): SlackBotProblem => ({
    code: 'alert-channel-archived',
    message: `the Slack channel #${name} is archived`,
    fix: 'unarchive it or set SLACK_ALERT_CHANNEL to another channel',
  }),
  missingScope: (scope: string, what: string): SlackBotProblem => ({
    code: 'missing-scope',
    message: `the Slack app lacks the scope ${scope} (${what})`,
    fix: 'add it under OAuth & Permissions (or paste slack-app-manifest.yml again) and reinstall the app',
  }),
  unchecked: (name: string, reason: string): SlackBotProblem => ({
    code: 'alert-channel-unchecked',
    message: `could not check the Slack alert channel #${name} (${reason})`,
    fix: 'alerts are tried anyway; if they do not arrive, check SLACK_ALERT_CHANNEL and the bot token',
  }),
  botTokenRefused: (error: string): SlackBotProblem => ({
    code: 'token-refused',
    message: `Slack refused SLACK_BOT_TOKEN (${error})`,
    fix:
      error === 'not_allowed_token_type'
        ? 'SLACK_BOT_TOKEN must be the Bot User OAuth Token (xoxb-…) from OAuth & Permissions'
        : 'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions again (reinstall the app if it was revoked) and update SLACK_BOT_TOKEN',
  }),
  appTokenRefused: (error: string): SlackBotProblem => ({
    code: 'app-token-refused',
    message: `Slack refused SLACK_APP_TOKEN (${error})`,
    fix: 'generate an app-level token (xapp-…) with the scope connections:write under Basic Information → App-Level Tokens, and update SLACK_APP_TOKEN',
  }),
  portUnavailable: (port: number, why: string): SlackBotProblem => ({
    code: 'port-unavailable',
    message: `Slack HTTP mode cannot listen on SLACK_PORT ${port} (${why})`,
    fix: why === 'EACCES' ? 'choose a port above 1023' : 'choose another SLACK_PORT (or stop what uses it)',
  }),
  unreachable: (reason: string): SlackBotProblem => ({
    code: 'unreachable',
    message: 'Slack cannot be reached',
    fix: `the bot keeps trying (last error: ${reason}); check the network, and SLACK_API_URL if set`,
  }),
} as const;
