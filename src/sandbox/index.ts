/** The OneFlex sandbox server: public API for the tests, the benchmark and `oneflex-bot demo`. */
export { OneFlexSandbox } from './sandbox.js';
export { DEMO_COLLEAGUE_ID, DEMO_USER_ID, demoSeed } from './demo-seed.js';
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
