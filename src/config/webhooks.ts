/**
 * Webhook URLs → targets: which format each one speaks, chosen from the host or forced with a
 * scheme prefix (`slack+https://…`). Pure parsing, used by the config schema; the channel that
 * posts lives in `src/notify/channels/webhook.ts`.
 */
import { createHash } from 'node:crypto';

export const WEBHOOK_FORMATS = ['discord', 'slack', 'teams', 'gchat', 'json'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookTarget {
  readonly format: WebhookFormat;
  /** The URL to POST to (Discord's is rewritten to its `/api/v10/…?wait=true` form). */
  readonly url: string;
  /** Safe to show: scheme, host and format, never the path (which holds the secret). */
  readonly label: string;
  /** The parts of the URL that are secret, for the log scrubber. */
  readonly secrets: readonly string[];
  /** Stable while the URL does not change: keys the outbox and the disabled-channel list. */
  readonly id: string;
}

const HOST_FORMATS: readonly { readonly test: (host: string) => boolean; readonly format: WebhookFormat }[] = [
  { test: (h) => ['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com'].includes(h), format: 'discord' },
  { test: (h) => h === 'hooks.slack.com' || h === 'hooks.slack-gov.com', format: 'slack' },
  { test: (h) => /(^|\.)(logic\.azure\.com|powerautomate\.com|powerplatform\.com)$/.test(h), format: 'teams' },
  { test: (h) => h === 'chat.googleapis.com', format: 'gchat' },
];

/** Splits a comma/whitespace separated list and parses each URL; problems name the item without its secret. */
export function parseWebhookUrls(value: string): { targets: WebhookTarget[]; problems: string[] } {
  const targets: WebhookTarget[] = [];
  const problems: string[] = [];
  const items = value.split(/[,\s]+/).filter(Boolean);
  items.forEach((item, index) => {
    const parsed = parseWebhookUrl(item);
    if (typeof parsed === 'string') problems.push(`URL number ${index + 1} ${parsed}`);
    else if (targets.some((t) => t.id === parsed.id)) problems.push(`URL number ${index + 1} is given twice`);
    else targets.push(parsed);
  });
  return { targets, problems };
}

/** A target, or why the item is not one (without the item's text: it may be a secret). */
export function parseWebhookUrl(item: string): WebhookTarget | string {
  const prefix = /^([a-z]+)\+(https?:\/\/.*)$/i.exec(item);
  let forced: WebhookFormat | undefined;
  let rest = item;
  if (prefix) {
    const name = prefix[1]!.toLowerCase();
    if (!(WEBHOOK_FORMATS as readonly string[]).includes(name)) {
      return `has an unknown format prefix '${name}+' (known: ${WEBHOOK_FORMATS.map((f) => `${f}+`).join(', ')})`;
    }
    forced = name as WebhookFormat;
    rest = prefix[2]!;
  }
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `is not an http(s) URL (found ${url.protocol})`;
  const host = url.hostname.toLowerCase();
  const format = forced ?? HOST_FORMATS.find((h) => h.test(host))?.format ?? 'json';
  if (format === 'discord') {
    const m = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return 'is not a Discord webhook URL (expected …/api/webhooks/ID/TOKEN)';
    url.pathname = `/api/v10/webhooks/${m[1]}/${m[2]}${m[3] ?? ''}`;
    url.searchParams.set('wait', 'true');
  }
  const secrets = [url.pathname + url.search, decodeURIComponent(url.pathname), ...url.pathname.split('/').filter((s) => s.length >= 16)];
  if (url.password) secrets.push(url.password);
  if (format === 'gchat') {
    for (const key of ['key', 'token']) {
      const v = url.searchParams.get(key);
      if (v) secrets.push(v);
    }
  }
  return {
    format,
    url: url.toString(),
    label: `${format} webhook ${url.protocol}//${url.host}`,
    secrets: [...new Set(secrets.filter((s) => s.length >= 6))],
    id: `webhook-${format}-${createHash('sha256').update(url.toString()).digest('hex').slice(0, 12)}`,
  };
}
