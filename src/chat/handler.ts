/**
 * The platform-neutral side of `/oneflex`: turns the command definitions of `commands/` into
 * chat specs, checks who may run what, runs a command and answers with a message, parses Slack's
 * text form, and takes the token form. Never throws: bad input and refusals become private
 * replies; anything unexpected is logged with a reference the user is shown.
 */
import { randomBytes } from 'node:crypto';
import { commands as allCommands } from '../../commands/index.js';
import type { App } from '../app.js';
import { replyMessage, resultMessage } from '../command-reply.js';
import type { CommandArgs, CommandDefinition } from '../command-contract.js';
import type { Config } from '../config/config.js';
import { UsageError, UserFacingError } from '../errors.js';
import { translator, type Locale } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { ChatArgs, ChatCommandHandler, ChatCommandSpec, ChatInvoker, ChatReply } from './contract.js';

export interface ChatHandlerOptions {
  readonly app: App;
  readonly config: Config;
  readonly logger: Logger;
  readonly commands?: readonly CommandDefinition[];
}

export function createChatCommandHandler(options: ChatHandlerOptions): ChatCommandHandler {
  return new CommandHandler(options);
}

class CommandHandler implements ChatCommandHandler {
  readonly specs: readonly ChatCommandSpec[];
  private readonly definitions: readonly CommandDefinition[];
  private readonly log: Logger;

  constructor(private readonly options: ChatHandlerOptions) {
    this.definitions = options.commands ?? allCommands;
    this.log = options.logger.child({ module: 'chat' });
    this.specs = this.definitions.map((d) => ({
      name: d.name,
      description: d.description,
      options: d.options.map((o) => ({
        name: o.name,
        type: o.type,
        description: o.description,
        ...(o.required ? { required: true } : {}),
        ...(o.min !== undefined ? { min: o.min } : {}),
        ...(o.max !== undefined ? { max: o.max } : {}),
        ...(o.choices ? { choices: o.choices } : {}),
      })),
      restricted: d.changesState,
      privateReply: d.privateReply ?? false,
      ...(d.form ? { form: { id: 'oneflex-token' as const, title: d.form.title, fields: d.form.fields } } : {}),
    }));
  }

  localeFor(_invoker: ChatInvoker): Locale {
    // One language for the whole bot (BOT_LOCALE): alerts and replies read the same in the channel.
    return this.options.config.locale;
  }

  mayRun(invoker: ChatInvoker, command: string): boolean {
    const definition = this.definitions.find((d) => d.name === command);
    if (!definition?.changesState) return true;
    const { config } = this.options;
    const owner = config.owners[invoker.platform];
    return invoker.userId === owner || config.adminIds.includes(invoker.userId);
  }

  async run(invoker: ChatInvoker, command: string, args: ChatArgs): Promise<ChatReply> {
    const locale = this.localeFor(invoker);
    const t = translator(locale);
    const definition = this.definitions.find((d) => d.name === command);
    if (!definition) {
      return this.privateReply(locale, t('reply.error-title'), t('reply.unknown-command', { command, list: this.definitions.map((d) => d.name).join(', ') }), 'warning');
    }
    if (!this.mayRun(invoker, command)) {
      this.log.warn('chat command refused', { platform: invoker.platform, user: invoker.userId, command });
      return this.privateReply(locale, t('reply.refused-title'), t('reply.refused', { command }), 'warning');
    }
    this.log.info('chat command', { platform: invoker.platform, user: invoker.userId, command });
    try {
      const result = await definition.execute({ app: this.options.app, locale, t, invoker: `${invoker.platform}:${invoker.userId}` }, args as CommandArgs);
      const message = resultMessage(result, { locale, timeZone: this.options.config.timeZone, now: this.options.app.clock.now() });
      return { ephemeral: definition.privateReply ?? false, message };
    } catch (error) {
      return this.failure(locale, invoker, command, error);
    }
  }

  async submitTokens(invoker: ChatInvoker, values: { readonly access?: string | undefined; readonly refresh?: string | undefined }): Promise<ChatReply> {
    const reply = await this.run(invoker, 'token', { access: values.access ?? '', refresh: values.refresh ?? '' });
    return { ...reply, ephemeral: true };
  }

  parseText(text: string): { readonly command: string; readonly args: ChatArgs } | { readonly error: ChatReply } {
    const locale = this.options.config.locale;
    const t = translator(locale);
    const words = text.trim().split(/\s+/).filter(Boolean);
    const name = (words.shift() ?? '').toLowerCase();
    if (!name || name === 'help') {
      const lines = this.specs.map((s) => `/oneflex ${s.name}${s.options.map((o) => (o.required ? ` <${o.name}>` : ` [${o.name}]`)).join('')} — ${s.description[locale]}`);
      return { error: { ephemeral: true, message: this.message(locale, t('reply.help-title'), lines.join('\n'), 'info') } };
    }
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) {
      return { error: { ephemeral: true, message: this.message(locale, t('reply.error-title'), t('reply.unknown-command', { command: name, list: this.specs.map((s) => s.name).join(', ') }), 'warning') } };
    }
    const args: Record<string, string | number | boolean> = {};
    const positional = spec.options.filter((o) => o.type !== 'boolean');
    for (const word of words) {
      const kv = /^([a-z-]+)=(.*)$/i.exec(word);
      const flag = word.replace(/^--?/, '').toLowerCase();
      const booleanOption = spec.options.find((o) => o.type === 'boolean' && o.name === flag);
      if (kv && spec.options.some((o) => o.name === kv[1]!.toLowerCase())) {
        args[kv[1]!.toLowerCase()] = kv[2]!;
      } else if (booleanOption) {
        args[booleanOption.name] = true;
      } else {
        const next = positional.find((o) => args[o.name] === undefined);
        if (!next) {
          const usage = `/oneflex ${spec.name}${spec.options.map((o) => (o.type === 'boolean' ? ` [${o.name}]` : o.required ? ` <${o.name}>` : ` [${o.name}]`)).join('')}`;
          return { error: { ephemeral: true, message: this.message(locale, t('reply.error-title'), `'${word}': ${usage}`, 'warning') } };
        }
        args[next.name] = word;
      }
    }
    return { command: spec.name, args };
  }

  private failure(locale: Locale, invoker: ChatInvoker, command: string, error: unknown): ChatReply {
    const t = translator(locale);
    if (error instanceof UserFacingError || error instanceof UsageError) {
      return this.privateReply(locale, t('reply.error-title'), error.message, 'warning');
    }
    const id = randomBytes(4).toString('hex');
    this.log.error('chat command failed', { reference: id, platform: invoker.platform, user: invoker.userId, command, error });
    return this.privateReply(locale, t('reply.failure-title'), t('reply.failure', { id }), 'error');
  }

  private privateReply(locale: Locale, title: string, text: string, severity: 'warning' | 'error' | 'info'): ChatReply {
    return { ephemeral: true, message: this.message(locale, title, text, severity) };
  }

  private message(locale: Locale, title: string, text: string, severity: 'warning' | 'error' | 'info') {
    return replyMessage({ locale, timeZone: this.options.config.timeZone, now: this.options.app.clock.now() }, { title, text, severity });
  }
}
