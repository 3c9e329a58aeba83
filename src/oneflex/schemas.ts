/**
 * Shapes of OneFlex answers. The API is reverse-engineered, not a contract: only the fields the bot
 * uses are required, everything else is optional and extra fields are ignored.
 */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]).transform(String);
const named = z.object({ id, name: z.string().nullish().transform((v) => v ?? null) }).passthrough();

export const meSchema = z.object({
  me: z.object({
    id,
    email: z.string().nullish(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    fullName: z.string().nullish(),
  }),
});

/** Who the tokens belong to. */
export interface Me {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
}

export function toMe(me: z.output<typeof meSchema>['me']): Me {
  return { id: me.id, email: me.email ?? null, name: me.fullName || [me.firstName, me.lastName].filter(Boolean).join(' ') || me.email || me.id };
}

/** "Name <email>", or the name alone. */
export function userLabel(me: Me): string {
  return me.email ? `${me.name} <${me.email}>` : me.name;
}

export const favoritesSchema = z.object({
  user: z.object({
    favoriteSpacesAndDesks: z
      .array(z.object({ id: id.nullish(), space: named.nullish(), desk: named.nullish() }))
      .nullish()
      .transform((v) => v ?? []),
  }),
});

export const affectationSchema = z.object({
  id,
  date: z.string().transform((v) => v.slice(0, 10)),
  moment: z.string().nullish(),
  active: z.boolean().nullish(),
  type: z.string().nullish(),
  description: z.string().nullish(),
  desk: named.nullish(),
  space: named.extend({ inheritedName: z.string().nullish() }).nullish(),
});

export const affectationsSchema = z.object({
  user: z.object({ affectations: z.array(affectationSchema).nullish().transform((v) => v ?? []) }),
});

export const createAffectationSchema = z.object({
  createAffectation: z.object({ id, deskId: id.nullish(), spaceId: id.nullish() }).passthrough(),
});

export const deleteAffectationSchema = z.object({
  deleteAffectation: z.object({ success: z.boolean().nullish() }).nullish(),
});

export const graphqlEnvelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z
        .object({
          message: z.string().nullish(),
          extensions: z.object({ code: z.unknown().optional() }).passthrough().nullish(),
        })
        .passthrough(),
    )
    .nullish(),
});

export const refreshAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  token_type: z.string().nullish(),
});

export type Affectation = z.output<typeof affectationSchema>;
