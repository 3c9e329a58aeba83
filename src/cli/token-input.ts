/**
 * Reading tokens for `oneflex-bot token set`: from standard input only (arguments end up in the
 * shell history). Accepts what people paste: two lines (access then refresh), the browser's cookie
 * header (`access_token=…; refresh_token=…`), .env lines, or JSON.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export interface GivenTokens {
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
}

export function parseTokenInput(text: string): GivenTokens {
  const trimmed = text.trim();
  if (!trimmed) return { accessToken: undefined, refreshToken: undefined };
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as Record<string, unknown>;
      const pick = (...keys: string[]) => keys.map((k) => json[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
      return {
        accessToken: pick('access_token', 'accessToken', 'ONEFLEX_TOKEN')?.trim(),
        refreshToken: pick('refresh_token', 'refreshToken', 'ONEFLEX_REFRESH_TOKEN')?.trim(),
      };
    } catch {
      // not JSON after all: read it as lines
    }
  }
  const named = new Map<string, string>();
  for (const m of trimmed.matchAll(/(?:^|[\s;])(?:export\s+)?(access_token|refresh_token|ONEFLEX_TOKEN|ONEFLEX_REFRESH_TOKEN)\s*=\s*["']?([^\s;"']+)/g)) {
    named.set(m[1]!, m[2]!);
  }
  if (named.size > 0) {
    return {
      accessToken: named.get('access_token') ?? named.get('ONEFLEX_TOKEN'),
      refreshToken: named.get('refresh_token') ?? named.get('ONEFLEX_REFRESH_TOKEN'),
    };
  }
  const lines = trimmed.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 1) {
    const only = lines[0]!;
    return only.split('.').length === 3 ? { accessToken: only, refreshToken: undefined } : { accessToken: undefined, refreshToken: only };
  }
  return { accessToken: lines[0], refreshToken: lines[1] };
}

export async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on a terminal without echoing what is typed or pasted. */
export async function promptHidden(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<string> {
  output.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.once('line', resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}
