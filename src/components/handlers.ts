import { Component } from 'projen';
import { AwsCdkTypeScriptApp, LambdaFunction, LambdaRuntime } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/** The sample API's entry point, bundled by esbuild into `assets/api/api.lambda/`. */
export const API_ENTRYPOINT = 'src/api/api.lambda.ts';

/**
 * What the handlers run on, bundled into the function: Hono, zod's small build, Powertools, and
 * jose, which verifies the load balancer's signed sign-in header. Their versions are the tested set's.
 */
export const HANDLER_DEPS = [
  'hono',
  '@hono/zod-validator',
  'zod',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  'jose',
];

/**
 * jose 6 is ES modules only, which Jest loads from CommonJS tests only on Node.js 24.9 or later:
 * before, ts-jest compiles its files to CommonJS (once; Jest caches the result).
 */
const JOSE_TRANSFORM = {
  pattern: '/node_modules/jose/.+\\.js$',
  transformer: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true }, diagnostics: false }],
  ignore: '/node_modules/(?!jose/)',
};

/**
 * The Lambda handlers. Managed: `src/hybrid/http.ts`, what our topologies need around Hono's
 * AWS Lambda adapter, `src/hybrid/observability.ts`, the Powertools logger and metrics, and
 * `src/hybrid/auth.ts`, which verifies the load balancer's sign-in header (when sign-in is on).
 * Owned by the team: the Hono app `src/api/app.ts` and its Lambda entry, registered as a
 * projen Lambda function on a current Node.js runtime.
 */
export class ApiHandlers extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    // Powertools' type declarations refer to the Lambda types.
    project.addDevDeps('@types/aws-lambda');
    new ManagedFile(project, 'src/hybrid/http.ts', { context });
    new ManagedFile(project, 'src/hybrid/observability.ts', { context });
    new ManagedFile(project, 'src/hybrid/auth.ts', { context });
    if (project.jest) {
      project.jest.config.transform = { ...project.jest.config.transform, [JOSE_TRANSFORM.pattern]: JOSE_TRANSFORM.transformer };
      project.jest.config.transformIgnorePatterns = [JOSE_TRANSFORM.ignore];
    }
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
