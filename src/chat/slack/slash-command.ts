/**
 * `/oneflex` on Slack: the slash command and the token modal, on a Bolt App.
 *
 * Slack's rules this file follows (see ../shared/chat-protocols.md): a slash command is acked
 * within 3 s (an empty `ack()` at once; the answer follows on the `response_url`, 5 uses in
 * 30 min); a modal is opened with the command's `trigger_id`, which lives 3 s, so `views.open`
 * comes right after the ack; a `view_submission` is acked within 3 s too (an empty ack closes the
 * modal), and its answer, having no `response_url`, is posted with `chat.postEphemeral` in the
 * channel the command came from (kept in the view's `private_metadata`) or, failing that, as a
 * direct message from the app.
 *
 * Nothing here throws into Bolt: a failure is logged with an error id, and the user gets that id
 * privately. Neither the form's values nor any token is ever logged.
 */
import { randomBytes } from 'node:crypto';
import type { App, RespondArguments, types, webApi } from '@slack/bolt';
import { replyMessage } from '../../command-reply.js';
import { translator, type Locale } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import type { NotificationMessage } from '../../notify/message.js';
import { clip } from '../../notify/render/truncate.js';
import type { ChatCommandHandler, ChatInvoker, ChatReply, TokenFormSpec } from '../contract.js';
import { CHANNEL_ID_RE, slackPayload, type SlackMessagePayload } from './channel.js';
import { describeSlackError, errorSummary, failureText } from './slack-errors.js';

const SLASH_COMMAND = '/oneflex';

/** Slack's modal limits: title, submit and close ≤ 24 characters; an input label ≤ 2000. */
const MODAL_LIMITS = { title: 24, button: 24, label: 2000 } as const;

const FORM_WORDS: Readonly<Record<Locale, { readonly submit: string; readonly close: string }>> = {
  fr: { submit: 'Vérifier et enregistrer', close: 'Annuler' },
  en: { submit: 'Check and save', close: 'Cancel' },
};

export interface SlashCommandOptions {
  readonly handler: ChatCommandHandler;
  readonly logger: Logger;
  /** The owner mentioned by critical messages (renderSlack). */
  readonly ownerId: string | undefined;
}

/** The token form as a Slack modal: one multi-line input per field, ids = field ids. */
function tokenModal(form: TokenFormSpec, locale: Locale, channelId: string | undefined): types.ModalView {
  const words = FORM_WORDS[locale];
  return {
    type: 'modal',
    callback_id: form.id,
    // Only where to answer; nothing else about the user or the command.
    private_metadata: channelId ?? '',
    title: { type: 'plain_text', text: clip(form.title[locale], MODAL_LIMITS.title) },
    submit: { type: 'plain_text', text: clip(words.submit, MODAL_LIMITS.button) },
    close: { type: 'plain_text', text: clip(words.close, MODAL_LIMITS.button) },
    blocks: form.fields.map((field) => ({
      type: 'input',
      block_id: field.id,
      optional: !field.required,
      label: { type: 'plain_text', text: clip(field.label[locale], MODAL_LIMITS.label) },
      element: { type: 'plain_text_input', action_id: field.id, multiline: true },
    })),
  };
}

/** Registers `/oneflex` and the submission of every form its specs declare. */
export function registerSlashCommand(app: App, options: SlashCommandOptions): void {
  const { handler } = options;
  const log = options.logger.child({ module: 'slack' });

  const localeOf = (invoker: ChatInvoker): Locale => {
    try {
      return handler.localeFor(invoker);
    } catch {
      return 'fr';
    }
  };

  /** Privately, where the user is: ephemeral in the channel, else a direct message from the app. */
  const postPrivately = async (client: webApi.WebClient, userId: string, channelId: string | undefined, payload: SlackMessagePayload): Promise<void> => {
    if (channelId) {
      try {
        await client.chat.postEphemeral({ channel: channelId, user: userId, ...payload });
        return;
      } catch (error) {
        log.debug('ephemeral message refused; sending a direct message instead', { channel: channelId, reason: failureText(describeSlackError(error)) });
      }
    }
    await client.chat.postMessage({ channel: userId, ...payload });
  };

  /** Logs the failure with an id, tells the user that id privately, and never throws. */
  const fail = async (
    error: unknown,
    context: { invoker: ChatInvoker; command: string; phase: string },
    answer: (payload: SlackMessagePayload) => Promise<void>,
  ): Promise<void> => {
    const errorId = randomBytes(4).toString('hex');
    log.error('slack command failed', { errorId, user: context.invoker.userId, command: context.command, phase: context.phase, error: errorSummary(error) });
    try {
      await answer(slackPayload(failureMessage(localeOf(context.invoker), errorId), options.ownerId));
    } catch (answerError) {
      log.warn('could not tell the user about a failure', { errorId, user: context.invoker.userId, reason: failureText(describeSlackError(answerError)) });
    }
  };

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const started = performance.now();
    try {
      await ack();
    } catch (error) {
      // Too late or the socket dropped: Slack shows its own timeout, the response_url still works.
      log.warn('could not acknowledge a slash command', { reason: errorSummary(error) });
    }
    const invoker: ChatInvoker = { platform: 'slack', userId: command.user_id };
    const channelId = command.channel_id || undefined;
    let name = '?';
    let phase = 'parse';

    const answer = async (payload: SlackMessagePayload, ephemeral: boolean): Promise<void> => {
      const args: RespondArguments = { response_type: ephemeral ? 'ephemeral' : 'in_channel', ...payload };
      try {
        await respond(args);
      } catch (error) {
        log.warn('response_url refused the answer; sending it privately', { command: name, reason: failureText(describeSlackError(error)) });
        await postPrivately(client, invoker.userId, channelId, payload);
      }
    };

    try {
      const parsed = handler.parseText(command.text ?? '');
      if ('error' in parsed) {
        phase = 'answer';
        await answer(slackPayload(parsed.error.message, options.ownerId), true);
        return;
      }
      name = parsed.command;
      const spec = handler.specs.find((candidate) => candidate.name === parsed.command);
      const privateOnly = spec?.privateReply ?? false;
      if (spec?.form && handler.mayRun(invoker, spec.name)) {
        phase = 'open-form';
        await client.views.open({ trigger_id: command.trigger_id, view: tokenModal(spec.form, localeOf(invoker), channelId) });
        log.debug('slack form opened', { command: name, user: invoker.userId, ms: Math.round(performance.now() - started) });
        return;
      }
      phase = 'run';
      const reply: ChatReply = await handler.run(invoker, parsed.command, parsed.args);
      phase = 'answer';
      await answer(slackPayload(reply.message, options.ownerId), reply.ephemeral || privateOnly);
      log.debug('slack command answered', { command: name, user: invoker.userId, ms: Math.round(performance.now() - started) });
    } catch (error) {
      await fail(error, { invoker, command: name, phase }, (payload) => answer(payload, true));
    }
  });

  const formIds = new Set(handler.specs.flatMap((spec) => (spec.form ? [spec.form] : [])).map((form) => form.id));
  for (const formId of formIds) {
    app.view(formId, async ({ ack, view, body, client }) => {
      try {
        await ack();
      } catch (error) {
        log.warn('could not acknowledge a form submission', { reason: errorSummary(error) });
      }
      const invoker: ChatInvoker = { platform: 'slack', userId: body.user.id };
      const channelId = CHANNEL_ID_RE.test(view.private_metadata) ? view.private_metadata : undefined;
      const answer = (payload: SlackMessagePayload) => postPrivately(client, invoker.userId, channelId, payload);
      let phase = 'submit';
      try {
        const reply = await handler.submitTokens(invoker, {
          access: inputValue(view.state.values, 'access'),
          refresh: inputValue(view.state.values, 'refresh'),
        });
        phase = 'answer';
        await answer(slackPayload(reply.message, options.ownerId));
      } catch (error) {
        await fail(error, { invoker, command: formId, phase }, answer);
      }
    });
  }

  // Only reached if something escaped the listeners above; logged without the event's body.
  app.error(async (error) => {
    log.error('Bolt reported an unhandled error', { error: errorSummary(error) });
  });
}

/** `block_id` and `action_id` are both the field id (see {@link tokenModal}). */
function inputValue(values: Record<string, Record<string, { value?: string | null }>>, id: string): string | undefined {
  const value = values[id]?.[id]?.value;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function failureMessage(locale: Locale, errorId: string): NotificationMessage {
  const t = translator(locale);
  // timeZone: the text shows no time.
  return replyMessage({ locale, timeZone: 'UTC', now: Date.now() }, { title: t('reply.failure-title'), text: t('reply.failure', { id: errorId }), severity: 'error' });
}

