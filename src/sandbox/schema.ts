/**
 * The GraphQL schema the sandbox serves: only the types, fields and arguments `oneflex-api.md`
 * shows, with the names it shows, so a client asking for anything else fails validation here
 * the way it might on the real server.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { businessError, type BookingWindow, type SandboxStore } from './store.js';
import { isCalendarDate } from './calendar.js';
import type { SandboxAffectation, SandboxMoment } from './types.js';

const SDL = /* GraphQL */ `
  "Free-form JSON, for fields whose shape the API notes do not pin down."
  scalar JSON

  enum AffectationMoment {
    MORNING
    AFTERNOON
    FULL_DAY
  }

  input UserIdType {
    id: ID!
    type: String!
  }

  input GetAffectationsFilter {
    dates: [String!]!
    withAuthoredSuggestions: Boolean
  }

  input DatedMomentInput {
    date: String!
    moment: AffectationMoment!
  }

  input CreateSimpleAffectationInput {
    type: String!
    datedMoments: [DatedMomentInput!]!
    mainUserIdV2: UserIdType!
    usersIdV2: [UserIdType!]
    teams: [ID!]
    guestsInfo: [JSON!]
    spacesIdSelection: [ID!]
    deskId: ID
    services: [JSON!]
    desksAttributions: [JSON!]
    withUsersSelectedDays: Boolean
  }

  type Me {
    id: ID!
    email: String!
    firstName: String!
    lastName: String!
    fullName: String!
  }

  type Space {
    id: ID!
    name: String!
    inheritedName: String
    serviceType: String
  }

  type Desk {
    id: ID!
    name: String!
    coordinates: JSON
  }

  type FavoriteSpaceAndDesk {
    id: ID!
    space: Space!
    desk: Desk
  }

  type Affectation {
    id: ID!
    date: String!
    moment: AffectationMoment!
    active: Boolean!
    type: String!
    description: String
    desk: Desk
    space: Space
  }

  type User {
    id: ID!
    favoriteSpacesAndDesks: [FavoriteSpaceAndDesk!]!
    affectations(affectationFilter: GetAffectationsFilter!): [Affectation!]!
  }

  type AffectationService {
    id: ID!
    type: String!
    parkingSpotId: ID
  }

  type CreatedAffectation {
    id: ID!
    userId: ID!
    guestId: ID
    deskId: ID
    spaceId: ID
    services: [AffectationService!]!
  }

  type DeleteResult {
    success: Boolean!
  }

  type Query {
    me(languages: [String!], defaultTimezone: String): Me
    user(idV2: UserIdType!): User
  }

  type Mutation {
    createAffectation(data: CreateSimpleAffectationInput!): CreatedAffectation
    deleteAffectation(affectationId: ID!, deleteGuestsOf: Boolean!): DeleteResult
  }
`;

/** What every resolver knows about the request: the caller, already authenticated. */
export interface SandboxContext {
  userId: string;
}

interface UserIdInput {
  id: string;
  type: string;
}

interface CreateInput {
  type: string;
  datedMoments: Array<{ date: string; moment: SandboxMoment }>;
  mainUserIdV2: UserIdInput;
  usersIdV2?: UserIdInput[] | null;
  spacesIdSelection?: string[] | null;
  deskId?: string | null;
}

export interface SandboxGraphql {
  schema: GraphQLSchema;
  rootValue: Record<string, unknown>;
}

export function buildSandboxGraphql(store: SandboxStore, bookingWindow: () => BookingWindow): SandboxGraphql {
  const schema = buildSchema(SDL);

  const internalId = (idV2: UserIdInput): string => {
    if (idV2.type !== 'Internal') throw businessError('BAD_USER_INPUT', `Unsupported user id type "${idV2.type}", expected "Internal"`);
    return idV2.id;
  };

  const deskView = (deskId: string | null) => {
    const desk = deskId === null ? undefined : store.desk(deskId);
    if (!desk) return null;
    return { id: desk.id, name: desk.name, coordinates: coordinatesOf(desk.id) };
  };

  const spaceView = (spaceId: string | null) => {
    if (spaceId === null) return null;
    const space = store.space(spaceId);
    return { id: space.id, name: space.name, inheritedName: `Sandbox HQ / ${space.name}`, serviceType: 'DESK' };
  };

  const affectationView = (a: SandboxAffectation) => ({
    id: a.id,
    date: a.date,
    moment: a.moment,
    active: a.active,
    type: a.type,
    description: a.description ?? null,
    desk: deskView(a.deskId),
    space: spaceView(a.spaceId),
  });

  const userView = (userId: string) => ({
    id: userId,
    favoriteSpacesAndDesks: store.favoritesOf(userId).map((f, index) => ({
      id: `${userId}-fav-${index + 1}`,
      space: spaceView(f.spaceId),
      desk: f.deskId === undefined ? null : deskView(f.deskId),
    })),
    affectations: (args: { affectationFilter: { dates: string[] } }) => {
      const bad = args.affectationFilter.dates.find((d) => !isCalendarDate(d));
      if (bad !== undefined) throw businessError('BAD_USER_INPUT', `Invalid date ${bad}, expected YYYY-MM-DD`);
      return store.onDates(userId, args.affectationFilter.dates).map(affectationView);
    },
  });

  const rootValue: Record<string, unknown> = {
    me: (_args: unknown, context: SandboxContext) => {
      const user = store.user(context.userId);
      if (!user) return null;
      return { ...user, fullName: `${user.firstName} ${user.lastName}` };
    },
    user: (args: { idV2: UserIdInput }, context: SandboxContext) => {
      if (internalId(args.idV2) !== context.userId) throw businessError('FORBIDDEN', 'You can only read your own data');
      return userView(context.userId);
    },
    createAffectation: (args: { data: CreateInput }, context: SandboxContext) => {
      const data = args.data;
      const others = [data.mainUserIdV2, ...(data.usersIdV2 ?? [])].filter((u) => internalId(u) !== context.userId);
      if (others.length > 0) throw businessError('FORBIDDEN', 'You can only book for yourself');
      const created = store.book(
        context.userId,
        { type: data.type, datedMoments: data.datedMoments, deskId: data.deskId ?? null, spaceIds: data.spacesIdSelection ?? [] },
        bookingWindow(),
      );
      const first = created[0];
      if (!first) return null;
      return { id: first.id, userId: first.userId, guestId: null, deskId: first.deskId, spaceId: first.spaceId, services: [] };
    },
    deleteAffectation: (args: { affectationId: string }, context: SandboxContext) => {
      store.cancel(context.userId, args.affectationId);
      return { success: true };
    },
  };

  return { schema, rootValue };
}

/** Stable made-up floor-plan coordinates, so the field has a value of the kind a map would use. */
function coordinatesOf(deskId: string): { x: number; y: number } {
  let hash = 0;
  for (const char of deskId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return { x: hash % 1000, y: Math.floor(hash / 1000) % 1000 };
}
