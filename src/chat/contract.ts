/**
 * What the Discord and Slack adapters see of the bot: the `/oneflex` subcommands as neutral
 * specs, a handler that runs one for a user and answers with a NotificationMessage (rendered by
 * the same renderers as notifications: a Discord embed, Slack blocks), and the token form.
 * Adapters own the SDKs; they never import commands/ or the booking core.
 */
import type { Locale } from '../i18n.js';
import type { NotificationMessage } from '../notify/message.js';

export type ChatPlatform = 'discord' | 'slack';

export interface ChatInvoker {
  readonly platform: ChatPlatform;
  readonly userId: string;
  /** The user's client language when the platform tells it (Discord does); the bot's locale otherwise. */
  readonly locale?: string | undefined;
}

export type ChatOptionType = 'date' | 'boolean' | 'integer' | 'choice' | 'string';

export interface ChatOptionSpec {
  readonly name: string;
  readonly type: ChatOptionType;
  readonly description: Readonly<Record<Locale, string>>;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** For `choice`. */
  readonly choices?: readonly string[];
}

export interface ChatCommandSpec {
  readonly name: string;
  readonly description: Readonly<Record<Locale, string>>;
  /** In the order a Slack user types them: `/oneflex book 2026-12-01 force`. */
  readonly options: readonly ChatOptionSpec[];
  /** Changes bookings or tokens: only admins may run it; on Discord, hidden from members without Manage Server. */
  readonly restricted: boolean;
  /** The answer is private (ephemeral) whatever happens. */
  readonly privateReply: boolean;
  /** Opens a form instead of running at once (the token form). */
  readonly form?: TokenFormSpec;
}

export interface TokenFormSpec {
  readonly id: 'oneflex-token';
  /** ≤ 45 characters (Discord modal limit). */
  readonly title: Readonly<Record<Locale, string>>;
  readonly fields: readonly { readonly id: 'access' | 'refresh'; readonly label: Readonly<Record<Locale, string>>; readonly required: boolean }[];
}

export type ChatArgs = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ChatReply {
  /** Private to the person who ran the command. */
  readonly ephemeral: boolean;
  readonly message: NotificationMessage;
}

export interface ChatCommandHandler {
  readonly specs: readonly ChatCommandSpec[];
  /** The locale replies are written in for this invoker. */
  localeFor(invoker: ChatInvoker): Locale;
  /** False: the command is refused (the adapter still calls `run`, which answers the refusal privately). */
  mayRun(invoker: ChatInvoker, command: string): boolean;
  /** Runs a subcommand. Never throws: bad input, refusals and failures come back as private replies. */
  run(invoker: ChatInvoker, command: string, args: ChatArgs): Promise<ChatReply>;
  /** The token form was submitted. Never throws; the tokens are never echoed. */
  submitTokens(invoker: ChatInvoker, values: { readonly access?: string | undefined; readonly refresh?: string | undefined }): Promise<ChatReply>;
  /** Parses `/oneflex <text>` as Slack delivers it: subcommand then options in spec order (`key=value` also accepted). */
  parseText(text: string): { readonly command: string; readonly args: ChatArgs } | { readonly error: ChatReply };
}

/** A chat platform connection, as main.ts and the health endpoint see it. */
export interface ChatConnection {
  readonly platform: ChatPlatform;
  readonly state: 'connecting' | 'connected' | 'disconnected' | 'failed';
  /** Why it failed (bad token…), safe to show. */
  readonly problem: string | null;
  stop(): Promise<void>;
}

/** What a person must fix for a platform to work, in words safe to show (never a token). */
export interface ChatProblem {
  readonly message: string;
  readonly fix: string;
}

/** One line: `message: fix`. */
export function problemText(problem: ChatProblem): string {
  return `${problem.message}: ${problem.fix}`;
}
