import { Component } from 'projen';
import { AwsCdkTypeScriptApp, LambdaFunction, LambdaRuntime } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/** The sample API's entry point, bundled by esbuild into `assets/api/api.lambda/`. */
export const API_ENTRYPOINT = 'src/api/api.lambda.ts';

/** What the handlers run on, bundled into the function: Hono, zod's small build, Powertools. */
export const HANDLER_DEPS = [
  'hono@^4.13.19',
  '@hono/zod-validator@^0.9.1',
  'zod@^4.6.7',
  '@aws-lambda-powertools/logger@^2.36.0',
  '@aws-lambda-powertools/metrics@^2.36.0',
];

/**
 * The Lambda handlers. Managed: `src/hybrid/http.ts`, what our topologies need around Hono's
 * AWS Lambda adapter, and `src/hybrid/observability.ts`, the Powertools logger and metrics.
 * Owned by the team: the Hono app `src/api/app.ts` and its Lambda entry, registered as a
 * projen Lambda function on a current Node.js runtime.
 */
export class ApiHandlers extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    // Powertools' type declarations refer to the Lambda types.
    project.addDevDeps('@types/aws-lambda@^8.10.164');
    new ManagedFile(project, 'src/hybrid/http.ts', { context });
    new ManagedFile(project, 'src/hybrid/observability.ts', { context });
    ownedFile(project, 'src/api/app.ts', context);
    ownedFile(project, API_ENTRYPOINT, context);
    // Registered explicitly: auto-discovery would not see a file written in this same synth.
    new LambdaFunction(project, {
      entrypoint: API_ENTRYPOINT,
      cdkDeps: project.cdkDeps,
      runtime: LambdaRuntime.NODEJS_24_X,
    });
  }
}
