/**
 * `/oneflex <sub>` and the token modal, from a discord.js interaction to the handler and back.
 *
 * Discord's rules that shape this file: the first response must come within 3 s, so the reply is
 * deferred at once (with its privacy decided before: a deferral cannot change it later), except
 * for a modal, which must itself be the first response. After that there are 15 minutes of edits
 * and follow-ups. A follow-up sent while a deferral is still "thinking" becomes an edit of it
 * (with the deferral's visibility), so a private answer to a public deferral deletes the public
 * placeholder first.
 *
 * Nothing here throws: a failure is logged with an error id, and the user gets that id privately.
 * Logs carry ids and command names only: never option values, never what the token form holds.
 */
import { randomBytes } from 'node:crypto';
import {
  ComponentType,
  MessageFlags,
  TextInputStyle,
  type APIModalInteractionResponseCallbackData,
  type ChatInputCommandInteraction,
  type Interaction,
  type APIEmbed,
  type MessageMentionOptions,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Locale } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import type { NotificationMessage } from '../../notify/message.js';
import { renderDiscord } from '../../notify/render/discord.js';
import { clip } from '../../notify/render/truncate.js';
import type { ChatArgs, ChatCommandHandler, ChatInvoker, ChatReply, TokenFormSpec } from '../contract.js';
import { COMMAND_NAME } from './commands.js';

const MODAL_TITLE_MAX = 45;
const LABEL_MAX = 45;
const TEXT_INPUT_MAX = 4000;

/** How far an interaction got, to answer a failure the right way. */
type Phase = 'none' | 'modal' | 'deferred-private' | 'deferred-public' | 'answered';

export interface InteractionTiming {
  readonly kind: 'command' | 'modal-submit';
  /** performance.now() deltas from the moment discord.js handed us the interaction. */
  readonly firstResponseMs: number;
  readonly totalMs: number;
}

export class InteractionRouter {
  constructor(
    private readonly handler: ChatCommandHandler,
    private readonly log: Logger,
    private readonly onTiming?: (timing: InteractionTiming) => void,
  ) {}

  /** Never rejects. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) await this.command(interaction);
    else if (interaction.isModalSubmit()) await this.modalSubmit(interaction);
    // Autocomplete, buttons, context menus: none registered, nothing to answer.
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const started = performance.now();
    let firstResponseAt = 0;
    const invoker = invokerOf(interaction);
    const sub = interaction.options.getSubcommand(false) ?? '';
    const meta = { interactionId: interaction.id, command: sub, userId: invoker.userId };
    let phase: Phase = 'none';
    try {
      if (interaction.commandName !== COMMAND_NAME) {
        // A stale registration (an older bot's command): say so rather than leave "did not respond".
        await interaction.reply({ content: `/${interaction.commandName}: unknown command, use /${COMMAND_NAME}`, flags: MessageFlags.Ephemeral });
        return;
      }
      const spec = this.handler.specs.find((candidate) => candidate.name === sub);
      const allowed = this.handler.mayRun(invoker, sub);
      if (spec?.form && allowed) {
        await interaction.showModal(buildModal(spec.form, this.handler.localeFor(invoker)));
        phase = 'modal';
        firstResponseAt = performance.now();
        this.log.debug('discord token form shown', meta);
        return;
      }
      // Decided before deferring: a deferral's visibility cannot be changed afterwards.
      const ephemeral = !spec || spec.privateReply || !allowed;
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      phase = ephemeral ? 'deferred-private' : 'deferred-public';
      firstResponseAt = performance.now();
      const reply = await this.handler.run(invoker, sub, argsOf(interaction));
      await deliver(interaction, reply, ephemeral);
      phase = 'answered';
      this.log.debug('discord command answered', { ...meta, allowed, ephemeral: reply.ephemeral, ms: Math.round(performance.now() - started) });
    } catch (error) {
      await this.fail(interaction, phase, invoker, meta, error);
    } finally {
      this.onTiming?.({ kind: 'command', firstResponseMs: (firstResponseAt || performance.now()) - started, totalMs: performance.now() - started });
    }
  }

  private async modalSubmit(interaction: ModalSubmitInteraction): Promise<void> {
    const started = performance.now();
    let firstResponseAt = 0;
    const invoker = invokerOf(interaction);
    const meta = { interactionId: interaction.id, form: interaction.customId, userId: invoker.userId };
    let phase: Phase = 'none';
    // What the user typed, to cut out of any error text before it is logged.
    const typed: string[] = [];
    try {
      const form = this.handler.specs.find((spec) => spec.form?.id === interaction.customId)?.form;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      phase = 'deferred-private';
      firstResponseAt = performance.now();
      if (!form) {
        await interaction.editReply({ content: `Unknown form '${clip(interaction.customId, 50)}': run /${COMMAND_NAME} token again.` });
        phase = 'answered';
        return;
      }
      const value = (id: string): string | undefined => {
        const field = interaction.fields.fields.get(id);
        const text = field && 'value' in field && typeof field.value === 'string' ? field.value.trim() : '';
        if (text !== '') typed.push(text);
        return text === '' ? undefined : text;
      };
      const reply = await this.handler.submitTokens(invoker, { access: value('access'), refresh: value('refresh') });
      // Tokens are always answered privately, whatever the reply says.
      await interaction.editReply(toDiscordReply(reply.message));
      phase = 'answered';
      this.log.debug('discord token form answered', { ...meta, ms: Math.round(performance.now() - started) });
    } catch (error) {
      await this.fail(interaction, phase, invoker, meta, error, typed);
    } finally {
      this.onTiming?.({ kind: 'modal-submit', firstResponseMs: (firstResponseAt || performance.now()) - started, totalMs: performance.now() - started });
    }
  }

  /** Logs with an error id, and tells the user that id privately, whatever state the interaction is in. */
  private async fail(
    interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
    phase: Phase,
    invoker: ChatInvoker,
    meta: Readonly<Record<string, string>>,
    error: unknown,
    secrets: readonly string[] = [],
  ): Promise<void> {
    const errorId = randomBytes(4).toString('hex');
    this.log.error('discord interaction failed', { ...meta, errorId, phase, error: describeError(error, secrets) });
    let locale: Locale = invoker.locale?.startsWith('en') ? 'en' : 'fr';
    try {
      locale = this.handler.localeFor(invoker);
    } catch {
      // Keep the guess from the client's language.
    }
    const content =
      locale === 'fr'
        ? `Une erreur inattendue s’est produite (erreur ${errorId}). Le journal du bot contient les détails : réessayez, ou donnez ce code à l’administrateur du bot.`
        : `Something went wrong (error ${errorId}). The bot's log has the details: try again, or give this id to the bot's admin.`;
    try {
      switch (phase) {
        case 'none':
          await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
          return;
        case 'deferred-private':
          await interaction.editReply({ content, embeds: [], allowedMentions: { parse: [] } });
          return;
        case 'deferred-public':
          await interaction.deleteReply().catch(() => undefined);
          await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
          return;
        case 'answered':
          await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
          return;
        case 'modal':
          // The modal was shown, nothing failed that the user is waiting for.
          return;
      }
    } catch (answerError) {
      this.log.warn('discord: could not tell the user about a failure', { ...meta, errorId, error: describeError(answerError, secrets) });
    }
  }
}

function invokerOf(interaction: ChatInputCommandInteraction | ModalSubmitInteraction): ChatInvoker {
  return { platform: 'discord', userId: interaction.user.id, locale: interaction.locale };
}

/** The subcommand's option values by name (Discord has already typed them as registered). */
function argsOf(interaction: ChatInputCommandInteraction): ChatArgs {
  const args: Record<string, string | number | boolean> = {};
  const sub = interaction.options.data.find((option) => Array.isArray(option.options));
  for (const option of sub?.options ?? []) {
    if (typeof option.value === 'string' || typeof option.value === 'number' || typeof option.value === 'boolean') args[option.name] = option.value;
  }
  return args;
}

/** A label + paragraph input per field (labels replace action rows in current modals). */
function buildModal(form: TokenFormSpec, locale: Locale): APIModalInteractionResponseCallbackData {
  return {
    custom_id: form.id,
    title: clip(form.title[locale], MODAL_TITLE_MAX),
    components: form.fields.map((field) => ({
      type: ComponentType.Label,
      label: clip(field.label[locale], LABEL_MAX),
      component: {
        type: ComponentType.TextInput,
        custom_id: field.id,
        style: TextInputStyle.Paragraph,
        required: field.required,
        max_length: TEXT_INPUT_MAX,
      },
    })),
  };
}

/** renderDiscord's payload in discord.js's option names (`allowedMentions`, mutable arrays). */
function toDiscordReply(message: NotificationMessage): { content?: string; embeds: APIEmbed[]; allowedMentions: MessageMentionOptions } {
  const payload = renderDiscord(message);
  const allowedMentions = 'users' in payload.allowed_mentions ? { users: [...payload.allowed_mentions.users] } : { parse: [] };
  return { ...(payload.content !== undefined ? { content: payload.content } : {}), embeds: payload.embeds.map((embed) => ({ ...embed, fields: [...embed.fields] })), allowedMentions };
}

async function deliver(interaction: ChatInputCommandInteraction, reply: ChatReply, deferredPrivate: boolean): Promise<void> {
  const payload = toDiscordReply(reply.message);
  if (reply.ephemeral && !deferredPrivate) {
    // A follow-up to a deferral still "thinking" edits it and keeps it public: delete it first.
    await interaction.deleteReply();
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
    return;
  }
  // Same visibility, or a public answer to a private deferral (harmless: only the user sees it).
  await interaction.editReply(payload);
}

/**
 * What may be logged of an error: its kind, message and Discord's code/status, never a request
 * body or URL (discord.js errors carry both), and with `secrets` (what a form held) cut out.
 */
export function describeError(error: unknown, secrets: readonly string[] = []): Record<string, unknown> {
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? redact(error) : 'non-error thrown' };
  const out: Record<string, unknown> = { name: error.name, message: redact(error.message) };
  const { code, status } = error as { code?: unknown; status?: unknown };
  if (code !== undefined) out.code = code;
  if (typeof status === 'number') out.status = status;
  return out;
}
