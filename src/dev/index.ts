/*
 * `create-hybrid-serverless/dev`: `npx projen dev`, the local loop of a generated repo. Its managed
 * `src/hybrid/dev/server.ts` calls `serve()` with what the repo's settings say; `startDevServer()` is the
 * same server for a test. Never in a Lambda bundle; not part of the project type's jsii API (src/index.ts).
 */
export { serve, startDevServer, USAGE, type DevServerOptions, type DevServerSettings, type RunningDevServer } from './server';
