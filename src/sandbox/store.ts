/**
 * The sandbox's state (users, desks, favourites, affectations) and the booking rules of the
 * OneFlex server as `oneflex-api.md` describes them. Every method is synchronous, so a check and
 * the write that follows it cannot interleave with another request.
 */
import { GraphQLError } from 'graphql';
import { isCalendarDate } from './calendar.js';
import {
  SANDBOX_MOMENTS,
  type SandboxAffectation,
  type SandboxAffectationInput,
  type SandboxDesk,
  type SandboxFavorite,
  type SandboxMoment,
  type SandboxSeed,
  type SandboxUser,
} from './types.js';

export const SANDBOX_ERROR_CODES = [
  'DATE_IN_PAST',
  'BOOKING_NOT_OPEN',
  'DESK_UNAVAILABLE',
  'ALREADY_BOOKED',
  'DESK_NOT_FOUND',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
] as const;
export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

export function businessError(code: SandboxErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

export interface SandboxSpace {
  id: string;
  name: string;
}

export interface BookingRequest {
  type: string;
  datedMoments: ReadonlyArray<{ date: string; moment: SandboxMoment }>;
  deskId: string | null;
  spaceIds: readonly string[];
}

/** The bookable range, as calendar dates in the sandbox's time zone. */
export interface BookingWindow {
  today: string;
  lastOpen: string;
}

function momentsOverlap(a: SandboxMoment, b: SandboxMoment): boolean {
  return a === b || a === 'FULL_DAY' || b === 'FULL_DAY';
}

export class SandboxStore {
  private readonly users = new Map<string, SandboxUser>();
  private readonly desks = new Map<string, SandboxDesk>();
  private readonly spaces = new Map<string, SandboxSpace>();
  private readonly favorites = new Map<string, SandboxFavorite[]>();
  private readonly records: SandboxAffectation[] = [];
  private nextId = 1;

  constructor(seed: SandboxSeed) {
    for (const user of seed.users) {
      if (this.users.has(user.id)) throw new Error(`Sandbox seed: duplicate user id ${user.id}`);
      this.users.set(user.id, { ...user });
    }
    for (const desk of seed.desks) {
      if (this.desks.has(desk.id)) throw new Error(`Sandbox seed: duplicate desk id ${desk.id}`);
      this.desks.set(desk.id, { ...desk });
      if (!this.spaces.has(desk.spaceId)) this.spaces.set(desk.spaceId, { id: desk.spaceId, name: desk.spaceName });
    }
    for (const [userId, list] of Object.entries(seed.favorites ?? {})) {
      if (!this.users.has(userId)) throw new Error(`Sandbox seed: favourites for unknown user ${userId}`);
      for (const favorite of list) {
        if (favorite.deskId !== undefined && !this.desks.has(favorite.deskId)) {
          throw new Error(`Sandbox seed: favourite desk ${favorite.deskId} is not a desk`);
        }
      }
      this.favorites.set(userId, list.map((f) => ({ ...f })));
    }
    for (const affectation of seed.affectations ?? []) this.add(affectation);
  }

  user(id: string): SandboxUser | undefined {
    return this.users.get(id);
  }

  desk(id: string): SandboxDesk | undefined {
    return this.desks.get(id);
  }

  /** A space named by a desk; a space only a favourite names is shown under its id. */
  space(id: string): SandboxSpace {
    return this.spaces.get(id) ?? { id, name: id };
  }

  favoritesOf(userId: string): SandboxFavorite[] {
    return (this.favorites.get(userId) ?? []).map((f) => ({ ...f }));
  }

  /** Adds a record as given (no booking rule applies): seeds, a colleague's booking, a remote-work day. */
  add(input: SandboxAffectationInput): SandboxAffectation {
    if (!this.users.has(input.userId)) throw new Error(`Sandbox: affectation for unknown user ${input.userId}`);
    if (!isCalendarDate(input.date)) throw new Error(`Sandbox: affectation date ${input.date} is not YYYY-MM-DD`);
    if (!SANDBOX_MOMENTS.includes(input.moment)) throw new Error(`Sandbox: affectation moment ${String(input.moment)} is unknown`);
    const desk = input.deskId === null ? undefined : this.desks.get(input.deskId);
    if (input.deskId !== null && !desk) throw new Error(`Sandbox: affectation desk ${input.deskId} is not a desk`);
    if (input.id !== undefined && this.records.some((r) => r.id === input.id)) {
      throw new Error(`Sandbox: duplicate affectation id ${input.id}`);
    }
    const record: SandboxAffectation = {
      id: input.id ?? this.newId(),
      userId: input.userId,
      date: input.date,
      moment: input.moment,
      active: input.active ?? true,
      type: input.type ?? (desk ? 'OFFICE' : 'REMOTE'),
      deskId: input.deskId,
      spaceId: input.spaceId ?? desk?.spaceId ?? null,
      description: input.description ?? null,
    };
    this.records.push(record);
    return { ...record };
  }

  list(userId?: string): SandboxAffectation[] {
    return this.records.filter((r) => userId === undefined || r.userId === userId).map((r) => ({ ...r }));
  }

  /** Every affectation of the user on those dates, active or not, by date then in creation order. */
  onDates(userId: string, dates: readonly string[]): SandboxAffectation[] {
    const wanted = new Set(dates);
    return this.records
      .filter((r) => r.userId === userId && wanted.has(r.date))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .map((r) => ({ ...r }));
  }

  /**
   * Books every dated moment or none. Checks, in this order: desk known; then per dated moment:
   * date valid, not in the past, open for booking, the user free (ALREADY_BOOKED), the desk free.
   */
  book(userId: string, request: BookingRequest, window: BookingWindow): SandboxAffectation[] {
    if (request.datedMoments.length === 0) throw businessError('BAD_USER_INPUT', 'datedMoments must not be empty');
    const desk = request.deskId === null ? undefined : this.desks.get(request.deskId);
    if (request.deskId !== null && !desk) throw businessError('DESK_NOT_FOUND', `Desk ${request.deskId} not found`);
    if (!desk && request.type === 'OFFICE') throw businessError('BAD_USER_INPUT', 'An OFFICE affectation needs a deskId');

    const planned: SandboxAffectation[] = [];
    for (const { date, moment } of request.datedMoments) {
      if (!isCalendarDate(date)) throw businessError('BAD_USER_INPUT', `Invalid date ${date}, expected YYYY-MM-DD`);
      if (date < window.today) throw businessError('DATE_IN_PAST', `Date ${date} is in the past`);
      if (date > window.lastOpen) throw businessError('BOOKING_NOT_OPEN', `Booking is not open yet for ${date}`);
      const clashes = (r: SandboxAffectation): boolean => r.active && r.date === date && momentsOverlap(r.moment, moment);
      if (this.records.some((r) => r.userId === userId && clashes(r)) || planned.some(clashes)) {
        throw businessError('ALREADY_BOOKED', `You already have a booking on ${date}`);
      }
      if (desk && this.records.some((r) => r.deskId === desk.id && r.userId !== userId && clashes(r))) {
        throw businessError('DESK_UNAVAILABLE', `Desk ${desk.name} is already booked on ${date}`);
      }
      planned.push({
        id: '',
        userId,
        date,
        moment,
        active: true,
        type: request.type,
        deskId: desk?.id ?? null,
        spaceId: desk?.spaceId ?? request.spaceIds[0] ?? null,
        description: null,
      });
    }
    for (const record of planned) {
      record.id = this.newId();
      this.records.push(record);
    }
    return planned.map((r) => ({ ...r }));
  }

  /** Marks the user's active affectation inactive; anything else (unknown, someone else's, already cancelled) is NOT_FOUND. */
  cancel(userId: string, affectationId: string): void {
    const record = this.records.find((r) => r.id === affectationId && r.userId === userId && r.active);
    if (!record) throw businessError('NOT_FOUND', `Affectation ${affectationId} not found`);
    record.active = false;
  }

  private newId(): string {
    let id: string;
    do id = `aff-${this.nextId++}`;
    while (this.records.some((r) => r.id === id));
    return id;
  }
}
