/**
 * The GraphQL documents the OneFlex web app sends (../shared/oneflex-api.md), as constants.
 * Only these operations are known to work on the real server: do not invent others.
 */
export const ME_QUERY = `query me { me(languages: ["fr-FR", "fr"], defaultTimezone: "Europe/Paris") { id email firstName lastName fullName } }`;

export const FAVORITES_QUERY = `query userFavoriteSpacesAndDesks($userId: UserIdType!) { user(idV2: $userId) { id favoriteSpacesAndDesks { id space { id name } desk { id name } } } }`;

export const AFFECTATIONS_QUERY = `query affectationsByUserAndDates($userId: UserIdType!, $affectationsFilter: GetAffectationsFilter!) { user(idV2: $userId) { id affectations(affectationFilter: $affectationsFilter) { id date moment active type description desk { id name coordinates } space { id name inheritedName serviceType } } } }`;

export const CREATE_AFFECTATION_MUTATION = `mutation createAffectation($data: CreateSimpleAffectationInput!) { createAffectation(data: $data) { id userId guestId deskId spaceId services { id type parkingSpotId } } }`;

export const DELETE_AFFECTATION_MUTATION = `mutation deleteAffectation($affectationId: ID!, $deleteGuestsOf: Boolean!) { deleteAffectation(affectationId: $affectationId, deleteGuestsOf: $deleteGuestsOf) { success } }`;
