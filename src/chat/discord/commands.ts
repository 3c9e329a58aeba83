/**
 * The `/oneflex` slash command as Discord registers it: ONE chat-input command whose subcommands
 * are the handler's specs (bulk overwrite `PUT /applications/:app[/guilds/:guild]/commands`).
 * Discord's limits, checked by the API with a 400: names `^[-_\p{Ll}\p{N}]{1,32}$`, descriptions
 * 1–100 characters, ≤ 25 subcommands, ≤ 25 options and choices, required options before optional
 * ones. The English text is the base description and French a localization: Discord shows each
 * person the one of their client's language (French for our users, English for anyone else).
 */
import { ApplicationCommandOptionType, ApplicationCommandType, PermissionFlagsBits } from 'discord.js';
import type {
  APIApplicationCommandBasicOption,
  APIApplicationCommandSubcommandOption,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { ChatCommandSpec, ChatOptionSpec } from '../contract.js';
import { clip } from '../../notify/render/truncate.js';

export const COMMAND_NAME = 'oneflex';

const DESCRIPTION_MAX = 100;
const LIST_MAX = 25;

const COMMAND_DESCRIPTION = { en: 'OneFlex desk booking', fr: 'Réservation de bureau OneFlex' } as const;

/**
 * Who sees `/oneflex` by default: members with Manage Server (who could invite the bot anyway).
 * Discord sets visibility per command, not per subcommand, so hiding `token` from members without
 * permission hides the whole command; a server admin lets others use it in Server Settings →
 * Integrations → OneFlex. Whoever sees it, the handler still refuses changes from anyone but the
 * owner and BOT_ADMIN_IDS, privately.
 */
export const DEFAULT_MEMBER_PERMISSIONS = String(PermissionFlagsBits.ManageGuild);

/** The registration body: `[/oneflex]`. */
export function buildCommandPayload(specs: readonly ChatCommandSpec[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: COMMAND_NAME,
      description: COMMAND_DESCRIPTION.en,
      description_localizations: { fr: COMMAND_DESCRIPTION.fr },
      default_member_permissions: DEFAULT_MEMBER_PERMISSIONS,
      options: specs.slice(0, LIST_MAX).map(subcommand),
    },
  ];
}

function subcommand(spec: ChatCommandSpec): APIApplicationCommandSubcommandOption {
  // Discord refuses a required option after an optional one; Slack keeps the spec's order.
  const options = [...spec.options].sort((a, b) => Number(b.required === true) - Number(a.required === true));
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: spec.name,
    ...describe(spec.description),
    options: options.slice(0, LIST_MAX).map(option),
  };
}

function option(spec: ChatOptionSpec): APIApplicationCommandBasicOption {
  const base = { name: spec.name, required: spec.required === true };
  switch (spec.type) {
    case 'date':
      return { ...base, type: ApplicationCommandOptionType.String, ...describe(spec.description, { en: 'YYYY-MM-DD', fr: 'AAAA-MM-JJ' }) };
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean, ...describe(spec.description) };
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...describe(spec.description),
        ...(spec.min !== undefined ? { min_value: spec.min } : {}),
        ...(spec.max !== undefined ? { max_value: spec.max } : {}),
      };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...describe(spec.description),
        choices: (spec.choices ?? []).slice(0, LIST_MAX).map((choice) => ({ name: clip(choice, DESCRIPTION_MAX), value: choice })),
      };
    case 'string':
      return { ...base, type: ApplicationCommandOptionType.String, ...describe(spec.description) };
  }
}

/**
 * English base + French localization, each ≤ 100 characters. `format` is appended when the text
 * does not already show it (a date option says which format it takes, in either spelling).
 */
function describe(
  text: Readonly<Record<'fr' | 'en', string>>,
  format?: { readonly en: string; readonly fr: string },
): { description: string; description_localizations: { fr: string } } {
  const withFormat = (value: string, suffix: string | undefined): string => {
    const shown = /YYYY-MM-DD|AAAA-MM-JJ/i.test(value);
    if (!suffix || shown) return clip(value || '-', DESCRIPTION_MAX);
    return `${clip(value, DESCRIPTION_MAX - suffix.length - 3)} (${suffix})`;
  };
  return {
    description: withFormat(text.en, format?.en),
    description_localizations: { fr: withFormat(text.fr, format?.fr) },
  };
}
