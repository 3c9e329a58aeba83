import type { CommandDefinition } from '../src/command-contract.js';
import { TEST_ALERT_TYPES, parseTestAlertType, runTestAlert } from '../src/notify/test-alert.js';

/** `test-alert [type]`: a sample, marked as a test, to every channel; answers with the per-channel report. */
export const testAlert = {
  name: 'test-alert',
  description: { fr: 'Envoyer une alerte de test à tous les canaux', en: 'Send a test alert to every channel' },
  options: [
    {
      name: 'type',
      type: 'choice',
      choices: TEST_ALERT_TYPES,
      description: { fr: 'Type d’alerte (token-expired par défaut)', en: 'Alert type (token-expired by default)' },
    },
  ],
  changesState: true,
  async execute({ app }, args) {
    const result = await runTestAlert(app.notifier, parseTestAlertType(args.type), app.clock, app.config.timeZone);
    return { kind: 'test-alert', type: result.type, reports: result.reports };
  },
} satisfies CommandDefinition;
