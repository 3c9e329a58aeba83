import type { CommandDefinition } from '../src/command-contract.js';
import { UserFacingError } from '../src/errors.js';
import { parseTokenInput } from '../src/cli/token-input.js';
import { userLabel } from '../src/oneflex/schemas.js';

/**
 * `token`: a private form for new OneFlex tokens (after signing in again). They are checked
 * against OneFlex before being stored, an open token incident is closed, and nothing echoes them.
 */
export const token = {
  name: 'token',
  description: { fr: 'Donner de nouveaux jetons OneFlex (formulaire privé)', en: 'Give new OneFlex tokens (private form)' },
  options: [],
  changesState: true,
  privateReply: true,
  form: {
    title: { fr: 'Nouveaux jetons OneFlex', en: 'New OneFlex tokens' },
    fields: [
      { id: 'access', label: { fr: 'Jeton d’accès (cookie access_token)', en: 'Access token (access_token cookie)' }, required: false },
      { id: 'refresh', label: { fr: 'Jeton de rafraîchissement (refresh_token)', en: 'Refresh token (refresh_token cookie)' }, required: true },
    ],
  },
  async execute({ app }, args) {
    const given = parseTokenInput(`${String(args.access ?? '')}\n${String(args.refresh ?? '')}`);
    if (!given.accessToken && !given.refreshToken) {
      throw new UserFacingError('no_token', 'no token given: paste at least the refresh_token cookie of your OneFlex session');
    }
    try {
      const user = await app.tokens.replaceTokens(given);
      return { kind: 'tokens', user: userLabel(user) };
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'unauthorized' || code === 'auth_required' || code === 'rejected') {
        throw new UserFacingError('tokens_refused', 'OneFlex refused these tokens: sign in to OneFlex again and copy both cookies once more (nothing was stored)');
      }
      throw error;
    }
  },
} satisfies CommandDefinition;
