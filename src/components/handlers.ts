import { Component } from 'projen';
import { AwsCdkTypeScriptApp, LambdaFunction, LambdaRuntime } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/** The sample API's entry point, bundled by esbuild into `assets/api/api.lambda/`. */
export const API_ENTRYPOINT = 'src/api/api.lambda.ts';

/**
 * The Lambda handlers: the managed adapter `src/hybrid/http.ts` (one request/response model
 * for both topologies) and the team's sample API, registered as a projen Lambda function on
 * a current Node.js runtime.
 */
export class ApiHandlers extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    new ManagedFile(project, 'src/hybrid/http.ts', { context });
    ownedFile(project, API_ENTRYPOINT, context);
    // Registered explicitly: auto-discovery would not see a file written in this same synth.
    new LambdaFunction(project, {
      entrypoint: API_ENTRYPOINT,
      cdkDeps: project.cdkDeps,
      runtime: LambdaRuntime.NODEJS_24_X,
    });
  }
}
