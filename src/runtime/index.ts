/*
 * `create-hybrid-serverless/runtime`: what a generated repo's Lambda handlers run on, around Hono
 * and Powertools. Generated repos import it through their managed `src/hybrid/http.ts`,
 * `src/hybrid/auth.ts` and `src/hybrid/observability.ts`; the Lambda bundle takes it as an ES module
 * (`lib/runtime/index.mjs`), Jest and Node as CommonJS (`lib/runtime/index.js`). Not part of the
 * project type's jsii API (src/index.ts).
 */
export {
  createApp,
  rejectInvalid,
  toLambdaHandler,
  type ApiEnv,
  type ApiVariables,
  type AppOptions,
  type LambdaBindings,
  type LambdaHttpEvent,
  type LambdaHttpHandler,
  type LambdaHttpResult,
  type ValidationResult,
} from './http';
export {
  AlbTokenVerifier,
  MachineTokenVerifier,
  OIDC_DATA_HEADER,
  PUBLIC_PATHS,
  SignInError,
  authSettings,
  bearerToken,
  machineSettings,
  requireUser,
  signedInUser,
  type AuthSettings,
  type MachineSettings,
  type MachineVerifierOptions,
  type SignedInUserOptions,
  type TokenClaims,
  type User,
  type VerifierOptions,
} from './auth';
export { afterRequest, beforeRequest, logger, metrics, type RequestLog } from './observability';
