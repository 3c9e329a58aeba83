/**
 * Shared cutting rules for the renderers, so that every platform limit is met the same way:
 * text is cut on its escaped form (never in the middle of an escape sequence or a surrogate
 * pair) and ends with "…"; lists keep their first items and say how many were dropped.
 * Lengths are UTF-16 code units (`string.length`), which is never less than the characters or
 * code points the platforms count, so a fit here is a fit there.
 */
import type { MessageField } from '../message.js';

export const ELLIPSIS = '…';

export type Escape = (raw: string) => string;

const identity: Escape = (raw) => raw;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `escape(raw)` when it fits in `max` units; otherwise the escape of the longest prefix of `raw`
 * that fits with a trailing "…". Cutting the raw text, not the escaped one, means an entity such
 * as `&amp;` or a backslash escape is never split.
 */
export function clip(raw: string, max: number, escape: Escape = identity): string {
  const whole = escape(raw);
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return '';
  const fits = (n: number) => escape(raw.slice(0, n)).length + ELLIPSIS.length <= max;
  // The escaped length grows with the prefix: binary search the longest prefix that fits.
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  let end = lo;
  if (end > 0 && isHighSurrogate(raw.charCodeAt(end - 1))) end -= 1;
  return `${escape(raw.slice(0, end).trimEnd())}${ELLIPSIS}`;
}

/** Replaces every run of whitespace (line breaks included) by one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface FieldLimits {
  /** Most fields shown, the "… and N more" entry included. */
  readonly maxFields: number;
  readonly maxName: number;
  readonly maxValue: number;
  /** Most units for all names and values together, the "more" entry included. */
  readonly budget: number;
  /** Applied to names and values before they are measured. */
  readonly escapeName?: Escape;
  readonly escapeValue?: Escape;
  /** Shown instead of an empty name or value (platforms refuse empty ones). */
  readonly empty?: string;
  /** The entry that replaces the dropped fields, already in its final form. */
  readonly more: (dropped: number) => MessageField;
  /** Units one rendered field costs; name + value when absent. */
  readonly cost?: (field: MessageField) => number;
}

/**
 * The first fields that fit, each cut to its limits, then one entry saying how many were left
 * out. Never more than `maxFields` entries nor `budget` units.
 */
export function fitFields(fields: readonly MessageField[], limits: FieldLimits): MessageField[] {
  const empty = limits.empty ?? '-';
  const cost = limits.cost ?? ((f: MessageField) => f.name.length + f.value.length);
  // Fields past maxFields can never be shown: do not spend time cutting them.
  const clipped = fields.slice(0, limits.maxFields).map((f): MessageField => {
    const name = clip(f.name, limits.maxName, limits.escapeName) || empty;
    const value = clip(f.value, limits.maxValue, limits.escapeValue) || empty;
    return f.inline === undefined ? { name, value } : { name, value, inline: f.inline };
  });
  const prefix = [0];
  for (const f of clipped) prefix.push(prefix.at(-1)! + cost(f));
  for (let kept = clipped.length; kept >= 0; kept -= 1) {
    const dropped = fields.length - kept;
    if (dropped === 0) {
      if (prefix[kept]! <= limits.budget) return clipped;
      continue;
    }
    if (kept + 1 > limits.maxFields) continue;
    const more = limits.more(dropped);
    if (prefix[kept]! + cost(more) <= limits.budget) return [...clipped.slice(0, kept), more];
  }
  return [];
}

/** Size of a payload as sent: UTF-8 bytes of its JSON. */
export function jsonBytes(payload: unknown): number {
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}

/**
 * `build(1)`, or `build` at halved scales until its JSON fits `maxBytes`: bytes depend on accents,
 * emoji and JSON escapes, which a character count cannot predict.
 */
export function fitToBytes<T>(build: (scale: number) => T, maxBytes: number): T {
  let payload = build(1);
  for (let scale = 0.5; jsonBytes(payload) > maxBytes && scale >= 1 / 64; scale /= 2) payload = build(scale);
  return payload;
}
