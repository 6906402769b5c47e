export { addCoordinator, listCoordinators, removeCoordinator, resetCoordinatorPassword, normaliseEmail, MIN_PASSWORD_LENGTH, type CoordinatorSummary } from "./coordinators.js";
export {
  signInCoordinator,
  resolveCoordinatorSession,
  signOutCoordinator,
  SIGNIN_FAILURE_LIMIT,
  SIGNIN_ACCOUNT_FAILURE_LIMIT,
  SIGNIN_WINDOW_MS,
  type CoordinatorSignIn,
  type ResolvedCoordinatorSession,
  type SignedInCoordinator,
} from "./sessions.js";
export { hashPassword, verifyPassword } from "./password-hash.js";
export type { CoordinatorRuntime } from "./coordinator-runtime.js";
