/**
 * The secrets this process knows (tokens, passwords, webhook secrets) and a scrubber that masks
 * them in any text. Tokens rotate, so the registry grows while the bot runs; shapes that are
 * secret whatever their value (JWTs, bearer headers) are masked too.
 */
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// "Bearer <anything>" is always a credential. "Bot <x>" only when x looks like a Discord token
// (long, with a digit), case-sensitive: "slack bot connected" is a sentence, not a header.
const BEARER_RE = /\b(Bearer|bearer|BEARER)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const BOT_RE = /\b(Bot)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/g;

export const MASK = '***';

export class SecretRegistry {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(initial: Iterable<string> = []) {
    for (const v of initial) this.add(v);
  }

  /** Remember a secret. Very short values are ignored: masking "1" would mangle every log line. */
  add(value: string | undefined): void {
    const v = value?.trim();
    if (!v || v.length < 6 || this.values.has(v)) return;
    this.values.add(v);
    this.pattern = undefined;
  }

  scrub(text: string): string {
    if (this.values.size > 0) {
      this.pattern ??= new RegExp(
        [...this.values]
          .sort((a, b) => b.length - a.length)
          .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|'),
        'g',
      );
      text = text.replace(this.pattern, MASK);
    }
    return text.replace(JWT_RE, MASK).replace(BEARER_RE, (_m, kind: string) => `${kind} ${MASK}`)
      .replace(BOT_RE, (_m, kind: string) => `${kind} ${MASK}`);
  }
}
