import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { FRONTEND_ENTRY_POINTS } from './frontend';
import { API_ENTRYPOINT } from './handlers';
import { TemplateContext } from '../context';
import { ManagedFile } from '../render';

/** What the dev server serves, managed: type-checked and linted with the rest of `src/`, imported by nothing. */
export const DEV_SERVER = 'src/hybrid/dev/server.ts';

/** The load balancer's side of sign-in, locally: a key endpoint and signed tokens, for the dev server and the tests. */
export const DEV_SIGN_IN = 'src/hybrid/dev/sign-in.ts';

/** Where the `dev` task bundles the dev server before running it (never deployed, never committed). */
export const DEV_SERVER_BUNDLE = 'node_modules/.cache/create-hybrid-serverless/dev-server.js';

/** The function's memory and timeout as `PrivateApp` sets them, and its name as the dev server reports it. */
function functionEnvironment(context: TemplateContext): Record<string, string> {
  const { stackName } = context;
  // Locally, the app plays its first environment.
  const settings = context.environments[0] ?? context.settings;
  return {
    // What PrivateApp sets on the function.
    POWERTOOLS_SERVICE_NAME: stackName,
    POWERTOOLS_METRICS_NAMESPACE: settings.domain,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // What the Lambda runtime sets.
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_LAMBDA_FUNCTION_NAME: `${stackName}-Handler`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    // Locally, metrics would only add a line of JSON per request (POWERTOOLS_METRICS_DISABLED=false shows them).
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/**
 * The local development loop, `npx projen dev`: one HTTP server on 127.0.0.1 that answers
 * `/api/*` with the real Lambda entry point (invoked with the topology's event) and every other
 * path with the frontend, as the listener rules do, rebuilding with esbuild on change. The server is
 * this package's (`create-hybrid-serverless/dev`, src/dev/); managed: `src/hybrid/dev/server.ts`,
 * which passes it this repo's settings and which nothing imports, so it stays out of the Lambda
 * bundle. The task bundles that file (the package stays external) into `node_modules/.cache` and
 * runs it with node. No new dependency: esbuild and the Lambda types are there already.
 */
export class DevLoop extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    new ManagedFile(project, DEV_SERVER, {
      context: {
        ...context,
        entryPoint: API_ENTRYPOINT,
        // As the bundle task builds the entry point.
        tsconfig: project.tsconfigDev.fileName,
        external: ['@aws-sdk/*'],
        frontendEntryPoints: FRONTEND_ENTRY_POINTS,
        environment: functionEnvironment(context),
        region: (context.environments[0] ?? context.settings).region,
        account: (context.environments[0] ?? context.settings).account,
      },
    });
    new ManagedFile(project, DEV_SIGN_IN, { context });
    // A development tool: esbuild is a devDependency, allowed here as in the tests.
    project.eslint?.allowDevDeps(`${DEV_SERVER.replace(/[^/]+$/, '')}**`);

    const dev = project.addTask('dev', {
      description: 'Serve the API and the frontend on http://127.0.0.1:3000 as the load balancer does, rebuilt on change (--port <n>)',
    });
    dev.exec(`esbuild ${DEV_SERVER} --bundle --platform=node --packages=external --target=node20 --log-level=warning `
      + `--outfile=${DEV_SERVER_BUNDLE}`);
    dev.exec(`node --enable-source-maps ${DEV_SERVER_BUNDLE}`, { receiveArgs: true });
  }
}
