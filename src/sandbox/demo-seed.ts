/**
 * The demo world: Camille, whose first favourite desk a colleague takes on some days, who works
 * from home one day, already has one office day booked, and booked mostly one desk over the last
 * 90 days (for a "most booked desks" fallback).
 */
import { addDays, isCalendarDate, isoWeekday } from './calendar.js';
import type { SandboxAffectationInput, SandboxSeed } from './types.js';

export const DEMO_USER_ID = 'u-demo';
export const DEMO_COLLEAGUE_ID = 'u-colleague';

const SPACE_3F = { spaceId: 's-3f', spaceName: 'Open space 3F' } as const;
const SPACE_4F = { spaceId: 's-4f', spaceName: 'Open space 4F' } as const;

/** Favourite desks of the demo user, in order: A (often taken), B, C. */
export const DEMO_DESKS = { a: 'd-3f-12', b: 'd-3f-14', c: 'd-4f-07' } as const;

export function demoSeed(today: string): SandboxSeed {
  if (!isCalendarDate(today)) throw new Error(`demoSeed: today must be YYYY-MM-DD, got ${today}`);
  const upcoming = Array.from({ length: 28 }, (_, i) => addDays(today, i + 1));
  const nth = (weekday: number, n: number): string => {
    const found = upcoming.filter((d) => isoWeekday(d) === weekday)[n - 1];
    if (found === undefined) throw new Error('demoSeed: four weeks hold four of every weekday');
    return found;
  };
  const wholeDay = (a: Omit<SandboxAffectationInput, 'moment'>): SandboxAffectationInput[] => [
    { ...a, moment: 'MORNING' },
    { ...a, moment: 'AFTERNOON' },
  ];

  const affectations: SandboxAffectationInput[] = [];
  // The colleague takes desk A every Tuesday and on the second Thursday.
  for (const date of [...upcoming.filter((d) => isoWeekday(d) === 2), nth(4, 2)]) {
    affectations.push(...wholeDay({ userId: DEMO_COLLEAGUE_ID, date, deskId: DEMO_DESKS.a, spaceId: SPACE_3F.spaceId }));
  }
  // Camille already has the first Wednesday at the office and works from home on the second Friday.
  affectations.push(...wholeDay({ userId: DEMO_USER_ID, date: nth(3, 1), deskId: DEMO_DESKS.b, spaceId: SPACE_3F.spaceId, type: 'OFFICE' }));
  affectations.push({
    userId: DEMO_USER_ID,
    date: nth(5, 2),
    moment: 'FULL_DAY',
    deskId: null,
    spaceId: null,
    type: 'REMOTE',
    description: 'Télétravail',
  });
  // History: Mondays, Tuesdays and Thursdays of the last 90 days, mostly desk B.
  const history = [DEMO_DESKS.b, DEMO_DESKS.b, DEMO_DESKS.b, 'd-4f-02', 'd-3f-15'] as const;
  let n = 0;
  for (let back = 90; back >= 1; back--) {
    const date = addDays(today, -back);
    if (![1, 2, 4].includes(isoWeekday(date))) continue;
    const deskId = history[n++ % history.length] ?? DEMO_DESKS.b;
    const spaceId = deskId.startsWith('d-4f') ? SPACE_4F.spaceId : SPACE_3F.spaceId;
    affectations.push(...wholeDay({ userId: DEMO_USER_ID, date, deskId, spaceId, type: 'OFFICE' }));
  }
  // One cancelled day (the last Wednesday, never a history day), to show that inactive entries come back too.
  const lastWednesday = [1, 2, 3, 4, 5, 6, 7].map((back) => addDays(today, -back)).find((d) => isoWeekday(d) === 3) ?? addDays(today, -7);
  affectations.push(
    ...wholeDay({ userId: DEMO_USER_ID, date: lastWednesday, deskId: 'd-3f-16', spaceId: SPACE_3F.spaceId, active: false }),
  );

  return {
    users: [
      { id: DEMO_USER_ID, email: 'camille.martin@example.com', firstName: 'Camille', lastName: 'Martin' },
      { id: DEMO_COLLEAGUE_ID, email: 'lucas.bernard@example.com', firstName: 'Lucas', lastName: 'Bernard' },
    ],
    desks: [
      { id: DEMO_DESKS.a, name: '3F-12', ...SPACE_3F },
      { id: DEMO_DESKS.b, name: '3F-14', ...SPACE_3F },
      { id: 'd-3f-15', name: '3F-15', ...SPACE_3F },
      { id: 'd-3f-16', name: '3F-16', ...SPACE_3F },
      { id: 'd-4f-02', name: '4F-02', ...SPACE_4F },
      { id: DEMO_DESKS.c, name: '4F-07', ...SPACE_4F },
    ],
    favorites: {
      [DEMO_USER_ID]: [
        { spaceId: SPACE_4F.spaceId },
        { spaceId: SPACE_3F.spaceId, deskId: DEMO_DESKS.a },
        { spaceId: SPACE_3F.spaceId, deskId: DEMO_DESKS.b },
        { spaceId: SPACE_4F.spaceId, deskId: DEMO_DESKS.c },
      ],
    },
    affectations,
  };
}
