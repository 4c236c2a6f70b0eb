import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Topology } from '../../src';
import { checkCdkNag, describeHandlerChecks, describeInfrastructureChecks } from '../../src/checks';
import { MANAGED_CHECK_IDS } from '../../src/checks/ids';
import { EnvironmentStage, HybridConfig, PrivateApp } from '../../src/constructs';
import { IN_BUILD_ENV } from '../../src/tasks';
import { environmentsFor, frontendDist, generatedContext, PROD, testHandler } from '../constructs/util';

/** What `describe`/`test` were called with: the titles, `skip` marked. */
function registered(register: () => void): string[] {
  const names: string[] = [];
  const saved = { describe: globalThis.describe, test: globalThis.test };
  const prefix: string[] = [];
  const describeLike: any = (name: string, fn: () => void) => {
    prefix.push(name);
    fn();
    prefix.pop();
  };
  describeLike.each = (rows: Array<readonly [string, unknown]>) => (name: string, fn: (...args: any[]) => void) => {
    for (const row of rows) describeLike(name.replace('%s', row[0]), () => fn(...row));
  };
  const testLike: any = (name: string) => names.push([...prefix, name].join(' › '));
  testLike.skip = (name: string) => names.push(`${[...prefix, name].join(' › ')} (skipped)`);
  Object.assign(globalThis, { describe: describeLike, test: testLike });
  try {
    register();
  } finally {
    Object.assign(globalThis, saved);
  }
  return names;
}

/** A generated repo's root as the cdk-nag check reads it: cdk.json and src/main, which builds these environments. */
function repoRoot(environments: readonly HybridConfig[], main: { teamBucketIn?: string; synthesizeFirst?: boolean } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-repo-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify({ app: 'node src/main.js', context: generatedContext() }));
  const library = path.join(__dirname, '..', '..', 'src', 'constructs');
  fs.writeFileSync(path.join(root, 'src', 'main.js'), `
const { App, Stack } = require(${JSON.stringify(require.resolve('aws-cdk-lib'))});
const s3 = require(${JSON.stringify(require.resolve('aws-cdk-lib/aws-s3'))});
const { EnvironmentStage, PrivateApp, synthesize } = require(${JSON.stringify(library)});
const { testHandler, frontendDist } = require(${JSON.stringify(path.join(__dirname, '..', 'constructs', 'util'))});
const app = new App();
${main.synthesizeFirst ? 'synthesize(app);' : ''}
for (const config of ${JSON.stringify(environments)}) {
  const stack = new Stack(new EnvironmentStage(app, config), 'App');
  new PrivateApp(stack, 'PrivateApp', { config, newHandler: testHandler, frontendDist: frontendDist() });
  if (config.name === ${JSON.stringify(main.teamBucketIn ?? null)}) new s3.Bucket(stack, 'Uploads');
}
${main.synthesizeFirst ? '' : 'synthesize(app);'}
`);
  return root;
}

const stackOf = (config: HybridConfig, context: Record<string, unknown>) => {
  const stack = new Stack(new EnvironmentStage(new App({ context }), config), 'Test');
  new PrivateApp(stack, 'PrivateApp', { config, newHandler: testHandler, frontendDist: frontendDist() });
  return stack;
};

describe('describeInfrastructureChecks', () => {
  const environments = environmentsFor({ environments: [{ name: 'dev' }, PROD] });
  const root = repoRoot(environments);

  test('registers every applicable check per environment, titled with its id, and cdk-nag once', () => {
    const names = registered(() => describeInfrastructureChecks({ root, environments, stackOf }));
    expect(names).toContain('environment dev › the internal load balancer › is protected from deletion in production [alb-deletion-protection]');
    expect(names).toContain('environment prod › the internal load balancer › is protected from deletion in production [alb-deletion-protection]');
    expect(names.filter((name) => name.endsWith('[cdk-nag]'))).toEqual([
      'security gates › cdk-nag AwsSolutions checked every environment of the app of src/main.ts and found nothing unacknowledged [cdk-nag]',
    ]);
    // With extra packs (nagPacks): each named once, after AwsSolutions.
    const withPacks = environmentsFor({ environments: [{ name: 'dev' }, PROD], nagPacks: ['NIST80053R5Checks', 'ServerlessChecks'] });
    expect(registered(() => describeInfrastructureChecks({ root, environments: withPacks, stackOf })).filter((name) => name.endsWith('[cdk-nag]'))).toEqual([
      'security gates › cdk-nag AwsSolutions, NIST80053R5Checks, ServerlessChecks checked every environment of the app of src/main.ts and found nothing unacknowledged [cdk-nag]',
    ]);
    const ids = new Set(names.map((name) => name.match(/\[([a-z0-9-]+)\]$/)![1]));
    for (const id of ids) expect(MANAGED_CHECK_IDS).toContain(id);
    // ALB to Lambda without a frontend: none of the API Gateway or frontend checks.
    expect([...ids].filter((id) => /^(execute-api|private-|frontend-|custom-domain|endpoint-ip)/.test(id))).toEqual([]);
  });

  test('skips a switched-off check in every environment, with its reason, and only it', () => {
    const names = registered(() => describeInfrastructureChecks({
      root, environments, stackOf, switchedOff: { 'alb-deletion-protection': 'a short-lived demo environment' },
    }));
    expect(names.filter((name) => name.endsWith('(skipped)'))).toEqual(['dev', 'prod'].map((environment) =>
      `environment ${environment} › the internal load balancer › is protected from deletion in production [alb-deletion-protection] ` +
      '(switched off in .projenrc.ts: a short-lived demo environment) (skipped)'));
  });

  test('refuses a stack without exactly one PrivateApp, naming it', () => {
    const empty = () => new Stack(new App(), 'Empty');
    expect(() => registered(() => describeInfrastructureChecks({ root, environments, stackOf: empty })))
      .toThrow('The managed checks look for one PrivateApp in the stack Empty; found 0.');
  });

  test('describeHandlerChecks registers the API function\'s checks of the first environment', () => {
    const names = registered(() => describeHandlerChecks({ root, environments: environmentsFor({ topology: Topology.APIGW_VPCE }), stackOf }));
    expect(names).toEqual(expect.arrayContaining([
      'the API function › is traced by X-Ray and configured for Powertools',
      'the API function › runs outside the VPC (no on-premises destinations configured)',
      'the REST API › traces the stage with X-Ray',
    ]));
    expect(names.join()).not.toContain('invoke permission');
  });
});

describe('the cdk-nag check', () => {
  const environments = environmentsFor({ environments: [{ name: 'dev' }, PROD] });
  afterEach(() => {
    delete process.env[IN_BUILD_ENV];
  });

  test('passes when cdk-nag checked every environment of src/main and found nothing', () => {
    expect(() => checkCdkNag(repoRoot(environments), 2)).not.toThrow();
  });

  test('fails on an unacknowledged finding in one environment, naming it', () => {
    expect(() => checkCdkNag(repoRoot(environments, { teamBucketIn: 'prod' }), 2)).toThrow(/prod\/App\/Uploads/);
  });

  test('fails when src/main synthesizes before its environments are added: no report per environment', () => {
    expect(() => checkCdkNag(repoRoot(environments, { synthesizeFirst: true }), 2)).toThrow(/Expected length: 2\s+Received length: 0/);
  });

  test('inside the build, reads the report of the build\'s own cdk synth, and fails when a source is newer', () => {
    const root = repoRoot(environments);
    // What the build's `cdk synth` wrote.
    const outdir = path.join(root, 'cdk.out');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'validation-report.json'), JSON.stringify({
      pluginReports: environments.map(() => ({ pluginName: 'AwsSolutions', conclusion: 'success', violations: [] })),
    }));
    process.env[IN_BUILD_ENV] = 'true';
    const past = new Date(Date.now() - 60_000);
    for (const file of ['cdk.json', 'src/main.js']) fs.utimesSync(path.join(root, file), past, past);
    fs.writeFileSync(path.join(root, 'src', 'stack.ts'), '// older than the report\n');
    fs.utimesSync(path.join(root, 'src', 'stack.ts'), past, past);
    expect(() => checkCdkNag(root, 2)).not.toThrow();
    expect(() => checkCdkNag(root, 3)).toThrow(/Expected length: 3/);
    // A finding of an extra pack (nagPacks) fails it as one of AwsSolutions does.
    const report = path.join(outdir, 'validation-report.json');
    fs.writeFileSync(report, JSON.stringify({
      pluginReports: [
        ...environments.map(() => ({ pluginName: 'AwsSolutions', conclusion: 'success', violations: [] })),
        {
          pluginName: 'NIST.800.53.R5',
          conclusion: 'failure',
          violations: [{
            ruleName: 'NIST.800.53.R5-S3BucketVersioningEnabled',
            violatingConstructs: [{ constructPath: 'dev/App/Reports/Resource' }],
          }],
        },
      ],
    }));
    fs.utimesSync(report, new Date(), new Date());
    expect(() => checkCdkNag(root, 2)).toThrow(/NIST\.800\.53\.R5-S3BucketVersioningEnabled/);
    fs.writeFileSync(path.join(root, 'src', 'stack.ts'), '// the team\'s edit since the last synth\n');
    fs.utimesSync(path.join(root, 'src', 'stack.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(() => checkCdkNag(root, 2)).toThrow('cdk.out/validation-report.json is older than src/stack.ts: the build\'s `cdk synth` (post-compile) did not run');
  });
});

