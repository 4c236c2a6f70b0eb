/**
 * Set by the `build` task for the tasks it spawns: pre-compile has bundled the Lambda handlers
 * and the frontend, so the test task, spawned later in the same build, need not bundle them again.
 */
export const IN_BUILD_ENV = 'HYBRID_SERVERLESS_BUILD';

/** A step condition: the step runs unless inside `npx projen build` (`npx projen test` alone bundles). */
export const NOT_IN_BUILD = `[ -z "$${IN_BUILD_ENV}" ]`;
