import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as constructs from 'constructs';
import * as ts from 'typescript';
import { HybridServerlessAppOptions } from '../../src';
import * as library from '../../src/constructs';
import { EnvironmentStage, HybridConfig, PrivateApp, synthesize } from '../../src/constructs';
import { newProject, synth } from '../util';

/**
 * The environments a generated repo's `src/hybrid/config.ts` holds for these options: the file the project type
 * renders, compiled and run as the repo's build would, with this package's constructs behind its imports.
 */
export function environmentsFor(options: Partial<HybridServerlessAppOptions> = {}): HybridConfig[] {
  const source: string = synth(newProject(options))['src/hybrid/config.ts'];
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const imports: Record<string, unknown> = { 'constructs': constructs, 'create-hybrid-serverless/constructs': library };
  const module = { exports: {} as { environments: HybridConfig[] } };
  new Function('require', 'module', 'exports', js)((name: string) => imports[name], module, module.exports);
  return [...module.exports.environments];
}

/** A function like the generated repo's `ApiFunction`, with inline code instead of the bundle. */
export function testHandler(scope: constructs.Construct, id: string, props: lambda.FunctionOptions): lambda.Function {
  return new lambda.Function(scope, id, {
    ...props,
    runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

let cdkContext: Record<string, unknown> | undefined;
/** The context of a generated repo's cdk.json: the feature flags it synthesizes with. */
export function generatedContext(): Record<string, unknown> {
  return cdkContext ??= synth(newProject())['cdk.json'].context;
}

let dist: string | undefined;
/** A built single-page app to deploy. */
export function frontendDist(): string {
  if (!dist) {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>\n');
  }
  return dist;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: Stack;
  readonly privateApp: PrivateApp;
}

/**
 * One environment as a generated repo's src/main.ts builds it: its `EnvironmentStage` (cdk-nag included), a stack,
 * the `PrivateApp` in it; `extend` adds what a team would, after it.
 */
export function buildApp(config: HybridConfig, extend?: (stack: Stack, privateApp: PrivateApp) => void): BuiltApp {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'chs-cdk-')), context: generatedContext() });
  const stack = new Stack(new EnvironmentStage(app, config), 'App');
  const privateApp = new PrivateApp(stack, 'PrivateApp', { config, newHandler: testHandler, frontendDist: frontendDist() });
  extend?.(stack, privateApp);
  return { app, stack, privateApp };
}

/** Synthesizes the app and fails on any cdk-nag finding in any environment, as a generated repo's `cdk synth` does. */
export function synthesizeChecked(app: App): void {
  synthesize(app);
}

/** Every environment in one app, as src/main.ts builds them: one `EnvironmentStage` each. */
export function buildApps(configs: readonly HybridConfig[]): { app: App; stacks: Stack[] } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'chs-cdk-')), context: generatedContext() });
  const stacks = configs.map((config) => {
    const stack = new Stack(new EnvironmentStage(app, config), 'App');
    new PrivateApp(stack, 'PrivateApp', { config, newHandler: testHandler, frontendDist: frontendDist() });
    return stack;
  });
  return { app, stacks };
}

/** The cdk-nag acknowledgements made under a construct: rule id (`AwsSolutions::AwsSolutions-L1`) → reasons. */
export function acknowledgementsIn(scope: constructs.IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id, [...found.get(id) ?? [], reason]);
    }
  }
  return found;
}

/** The same sign-in for every test: the defaults of the project type applied. */
export const AUTH = {
  issuer: 'https://login.example.com/tenant/v2.0',
  authorizationEndpoint: 'https://login.example.com/tenant/oauth2/authorize',
  tokenEndpoint: 'https://login.example.com/tenant/oauth2/token',
  userInfoEndpoint: 'https://login.example.com/oidc/userinfo',
  clientId: 'orders',
  clientSecret: 'orders/oidc-client-secret',
};

/** Machine callers beside the sign-in: a service's own provider, with an audience and a scope. */
export const MACHINE = {
  issuer: 'https://auth.services.example.com',
  jwksEndpoint: 'https://auth.services.example.com/.well-known/jwks.json',
  audience: 'api://orders',
  claims: [{ name: 'scope', format: 'space-separated-values', values: ['orders.read'] }],
  jwksCidrs: ['203.0.113.0/24'],
};

/** A second environment in its own account, region, VPC and host name, with its own bootstrap qualifier. */
export const PROD = {
  name: 'prod',
  account: '222233334444',
  region: 'eu-central-1',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
  domain: 'orders.prod.example.com',
  certificateArn: 'arn:aws:acm:eu-central-1:222233334444:certificate/12345678-1234-1234-1234-123456789012',
  production: true,
  qualifier: 'orders',
};
