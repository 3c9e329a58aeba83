import { describe, expect, it } from 'vitest';
import { escapeSlack } from '../../../../src/notify/render/slack.js';
import { escapeDiscord } from '../../../../src/notify/render/discord.js';
import { clip, fitFields, oneLine } from '../../../../src/notify/render/truncate.js';
import type { MessageField } from '../../../../src/notify/message.js';

describe('clip', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['word  end', 7, 'word…'],
    ['anything', 0, ''],
    ['ab', 1, '…'],
  ])('clip(%j, %i) is %j', (raw, max, expected) => {
    expect(clip(raw, max)).toBe(expected);
  });

  it('never splits a surrogate pair', () => {
    expect(clip('😀😀😀', 4)).toBe('😀…');
  });

  it.each([
    ['a&b', 6, escapeSlack, 'a…'],
    ['a&b', 7, escapeSlack, 'a&amp;b'],
    ['<<<<', 9, escapeSlack, '&lt;&lt;…'],
    ['**x', 4, escapeDiscord, '\\*…'],
  ])('cuts %j on its escaped form without splitting an escape (max %i)', (raw, max, escape, expected) => {
    const out = clip(raw, max, escape);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });
});

describe('oneLine', () => {
  it('joins lines and runs of spaces into single spaces', () => {
    expect(oneLine(' a\n\nb\t c \r\n')).toBe('a b c');
  });
});

describe('fitFields', () => {
  const fields = (n: number, value = 'v'): MessageField[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, value }));
  const more = (dropped: number): MessageField => ({ name: '…', value: `+${dropped}` });

  it('keeps every field when they fit', () => {
    expect(fitFields(fields(3), { maxFields: 3, maxName: 10, maxValue: 10, budget: 100, more })).toEqual(fields(3));
  });

  it('keeps maxFields entries, the last one saying how many were dropped', () => {
    const out = fitFields(fields(30), { maxFields: 25, maxName: 10, maxValue: 10, budget: 10_000, more });
    expect(out).toHaveLength(25);
    expect(out.slice(0, 24)).toEqual(fields(24));
    expect(out[24]).toEqual({ name: '…', value: '+6' });
  });

  it('stays within the budget, the "more" entry included', () => {
    const out = fitFields(fields(10, 'x'.repeat(98)), { maxFields: 25, maxName: 10, maxValue: 1000, budget: 350, more });
    // each field costs 2 + 98 = 100: three fit with the 4-unit "more" entry
    expect(out.map((f) => f.name)).toEqual(['f0', 'f1', 'f2', '…']);
    expect(out[3]!.value).toBe('+7');
    expect(out.reduce((n, f) => n + f.name.length + f.value.length, 0)).toBeLessThanOrEqual(350);
  });

  it('cuts names and values to their limits and replaces empty ones', () => {
    const out = fitFields([{ name: '', value: 'y'.repeat(50), inline: true }], { maxFields: 5, maxName: 5, maxValue: 10, budget: 100, more, empty: '-' });
    expect(out).toEqual([{ name: '-', value: 'yyyyyyyyy…', inline: true }]);
  });

  it('returns nothing when not even the "more" entry fits', () => {
    expect(fitFields(fields(5), { maxFields: 5, maxName: 5, maxValue: 5, budget: 1, more })).toEqual([]);
  });
});
