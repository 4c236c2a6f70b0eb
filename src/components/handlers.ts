import { Component } from 'projen';
import { AwsCdkTypeScriptApp, LambdaFunction, LambdaRuntime } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/** The sample API's entry point, bundled by esbuild into `assets/api/api.lambda/`. */
export const API_ENTRYPOINT = 'src/api/api.lambda.ts';

/**
 * What the handlers run on, bundled into the function: Hono, zod's small build and Powertools
 * (create-hybrid-serverless/runtime imports Hono and Powertools from the repo). Their versions are the tested set's.
 */
export const HANDLER_DEPS = [
  'hono',
  '@hono/zod-validator',
  'zod',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
];

/** The managed modules that re-export create-hybrid-serverless/runtime (the package is a devDependency of the repo). */
export const RUNTIME_MODULES = ['src/hybrid/http.ts', 'src/hybrid/observability.ts', 'src/hybrid/auth.ts'];

/**
 * The Lambda handlers. Managed: `src/hybrid/http.ts`, what our topologies need around Hono's
 * AWS Lambda adapter, `src/hybrid/observability.ts`, the Powertools logger and metrics, and
 * `src/hybrid/auth.ts`, which verifies the load balancer's sign-in header (when sign-in is on):
 * each re-exports create-hybrid-serverless/runtime, compiled and tested in this package (src/runtime).
 * Owned by the team: the Hono app `src/api/app.ts` and its Lambda entry, registered as a
 * projen Lambda function on a current Node.js runtime.
 */
export class ApiHandlers extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    // Powertools' type declarations refer to the Lambda types.
    project.addDevDeps('@types/aws-lambda');
    for (const file of RUNTIME_MODULES) new ManagedFile(project, file, { context });
    // They import this package, which the repo has as a devDependency: esbuild bundles it into the function.
    for (const file of RUNTIME_MODULES) project.eslint?.allowDevDeps(file);
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
