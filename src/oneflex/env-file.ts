/**
 * Rewrites the token lines of the user's .env in place: every other line, comment, blank line and
 * the file's line endings are kept; the write is atomic. The only parser of .env is dotenv (in
 * main.ts); here lines are matched by their key alone.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../state/atomic-file.js';

export async function updateEnvFile(file: string, values: Readonly<Record<string, string>>): Promise<void> {
  const original = await fs.readFile(file, 'utf8');
  const stat = await fs.stat(file);
  await writeFileAtomic(file, replaceEnvValues(original, values), { mode: stat.mode & 0o777 });
}

export function replaceEnvValues(text: string, values: Readonly<Record<string, string>>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  const out = lines.map((line) => {
    const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(.*)$/.exec(line);
    if (!m || !(m[2]! in values)) return line;
    seen.add(m[2]!);
    const quote = /^(["'])/.exec(m[4]!)?.[1] ?? '';
    return `${m[1]}${m[2]}${m[3]}${quote}${values[m[2]!]}${quote}`;
  });
  const missing = Object.keys(values).filter((k) => !seen.has(k));
  if (missing.length > 0) {
    if (out.length > 0 && out[out.length - 1] === '') out.pop();
    for (const k of missing) out.push(`${k}=${values[k]}`);
    out.push('');
  }
  return out.join(eol);
}
