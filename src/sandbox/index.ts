/** The OneFlex sandbox server: public API for the tests, the benchmark and `oneflex-bot demo`. */
export { OneFlexSandbox, GRAPHQL_PATH, TOKEN_OPERATION, TOKEN_PATH } from './sandbox.js';
export { DEMO_COLLEAGUE_ID, DEMO_DESKS, DEMO_USER_ID, demoSeed } from './demo-seed.js';
export { SANDBOX_ERROR_CODES, type SandboxErrorCode } from './store.js';
export { SANDBOX_FAULT_KINDS, SANDBOX_MOMENTS } from './types.js';
export type {
  SandboxAffectation,
  SandboxAffectationInput,
  SandboxDesk,
  SandboxFault,
  SandboxFaultKind,
  SandboxFavorite,
  SandboxMoment,
  SandboxOptions,
  SandboxRequestRecord,
  SandboxSeed,
  SandboxUser,
} from './types.js';
