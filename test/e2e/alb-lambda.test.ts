import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { commit, copyRepo, createFromTarball, freshDir, gitStatus, offTestedSet, ok, packTarball, run, shareInstall, templateOf } from './util';

// End to end, as a team would: the CLI from the packed tarball, a real install from the registry, then the
// generated repo's own build (type-check, bundle, tests with cdk-nag, synth), and what a team does in its own files.
// The CLI generates one repo; every test works on a copy of it, so that none depends on what another did. What the
// infrastructure is, and that each managed check can fail, is proved in the package (test/constructs, test/checks).
describe('a repo generated with the default topology (ALB to Lambda) and a frontend', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-alb-');
  const generated = path.join(parent, 'orders-app');
  let created = '';
  /** The repo the current test works on: a copy of the generated one. */
  let repo = generated;
  beforeAll(() => {
    created = createFromTarball(tarball, parent, ['orders-app', '--yes', '--frontend', '--domain', 'orders.corp.example.com']);
    // The CLI's install, for the run's other end-to-end files (test/sequencer.js runs this file first).
    shareInstall(generated);
  });
  beforeEach(() => {
    repo = copyRepo(generated);
  });
  const file = (name: string) => path.join(repo, name);
  const read = (name: string) => fs.readFileSync(file(name), 'utf-8');
  const write = (name: string, text: string) => fs.writeFileSync(file(name), text);
  const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf-8');
  // A second environment in its own account, region, VPC and host name.
  const PROD = "{ name: 'prod', account: '222233334444', region: 'eu-central-1', vpcId: 'vpc-0a1b2c3d4e5f60718', "
    + "subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'], domain: 'orders.prod.example.com', "
    + "certificateArn: 'arn:aws:acm:eu-central-1:222233334444:certificate/12345678-1234-1234-1234-123456789012', production: true, "
    // A custom bootstrap qualifier: the frontend deployment's acknowledged findings name its asset bucket.
    + "qualifier: 'orders' }";
  /** What a team adds: a second environment, and its own table, function, bucket, security group and stack. */
  const addTheTeamsWork = () => {
    write('.projenrc.ts', read('.projenrc.ts').replace("environments: [{ name: 'dev' }],", `environments: [{ name: 'dev' }, ${PROD}],`));
    write('src/app-stack.ts', fixture('team-app-stack.ts'));
    write('src/main.ts', fixture('team-main.ts').replace('__STACK__', 'OrdersApp'));
    ok('npx', ['projen'], repo);
  };
  /** The managed infrastructure test alone, as `npx jest` runs it after the bundles it deploys (what `npx projen test` runs first). */
  const managedTest = (...args: string[]) => {
    ok('npx', ['projen', 'bundle'], repo);
    ok('npx', ['projen', 'frontend:bundle'], repo);
    return run('npx', ['jest', 'test/hybrid/infrastructure.test.ts', ...args], repo);
  };

  test('is created, installed and committed by the CLI', () => {
    repo = generated;
    expect(created).toContain('npx projen build');
    expect(read('.projenrc.ts')).toContain("domain: 'orders.corp.example.com',");
    expect(fs.existsSync(file('node_modules/aws-cdk-lib'))).toBe(true);
    // Exactly the tested set, from the registry, with nothing for the team to puzzle over: no warning of npm's
    // (install scripts not covered by allowScripts, deprecations, engines), no "Resolved dependency versions".
    expect(offTestedSet(repo)).toEqual([]);
    expect(created).not.toMatch(/npm warn|Resolved dependency versions/i);
    expect(ok('git', ['log', '--oneline'], repo).trim().split('\n')).toHaveLength(1);
    expect(gitStatus(repo)).toBe('');
    // The infrastructure is the package's constructs: src/hybrid/ binds them to the settings.
    expect(read('src/hybrid/private-app.ts')).toContain("export class PrivateApp extends ManagedPrivateApp<'alb-lambda'> {");
  });

  test('builds green with its own `npx projen build`, with no type error and no flag warning, and leaves the tree clean; '
    + 'a second `npx projen` changes nothing', () => {
    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // Type-checked and linted over one TypeScript program, at compile.
    expect(output).toContain('check | hybrid-serverless-check -p test/tsconfig.json --ext .ts,.tsx --fix --no-error-on-unmatched-pattern src test build-tools projenrc .projenrc.ts');
    expect(output).not.toContain('feature flags are not configured');
    const templateFile = templateOf(repo, 'dev', 'OrdersApp');
    expect(unacceptedCfnLintFindings(templateFile)).toEqual([]);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    const types = Object.values(template.Resources).map((resource: any) => resource.Type);
    expect(types).toContain('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(types).not.toContain('AWS::ApiGateway::RestApi');
    // The frontend build ran inside the build, and the stack deploys it through an S3 endpoint.
    expect(fs.existsSync(file('frontend/dist/index.html'))).toBe(true);
    expect(types).toEqual(expect.arrayContaining(['AWS::EC2::VPCEndpoint', 'Custom::CDKBucketDeployment']));
    expect(gitStatus(repo)).toBe('');
    ok('npx', ['projen'], repo);
    expect(gitStatus(repo)).toBe('');
  });

  // `npx projen` runs .projenrc.ts transpile-only (it is most of every re-synthesis otherwise): the errors the
  // type-checker gave a team must still reach it. Options of the wrong name or type fail `npx projen` with a message
  // naming them, before any file is written; any other type error in .projenrc.ts fails the build's typecheck task
  // (below, "turns red on a type error").
  test('fails `npx projen` on a misspelt option and a value of the wrong type in .projenrc.ts, named, with nothing written', () => {
    const projenrc = read('.projenrc.ts');
    write('.projenrc.ts', projenrc.replace('new HybridServerlessApp({', "new HybridServerlessApp({\n  domian: 'orders.corp.example.com',\n  cdkVersion: 2,"));
    const result = run('npx', ['projen'], repo);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Invalid HybridServerlessApp options in .projenrc.ts:');
    expect(result.output).toContain('- domian: unknown option. Did you mean "domain"?');
    expect(result.output).toContain('- cdkVersion: 2 must be a string.');
    expect(gitStatus(repo)).toBe(' M .projenrc.ts');
  });

  test('passes cdk-nag with every extra pack turned on (nagPacks), the docs listing what they acknowledge; '
    + 'the team\'s own bucket is still checked', () => {
    const packs = ['NIST80053R5Checks', 'HIPAASecurityChecks', 'PCIDSS321Checks', 'ServerlessChecks'];
    const projenrc = read('.projenrc.ts');
    const nagPacks = `nagPacks: ${JSON.stringify(packs).replace(/"/g, '\'')},`;
    write('.projenrc.ts', /nagPacks: \[.*\],/.test(projenrc) ? projenrc.replace(/nagPacks: \[.*\],/, nagPacks)
      : projenrc.replace("environments: [{ name: 'dev' }],", `${nagPacks}\n  environments: [{ name: 'dev' }],`));
    ok('npx', ['projen'], repo);
    expect(read('src/hybrid/config.ts')).toContain('NIST80053R5Checks');
    // The managed test synthesizes the app of src/main.ts as `cdk synth` does, every pack a validation plugin of each
    // environment (the build's synth is the same app: its failing is the next test's).
    const green = managedTest('--verbose');
    expect({ status: green.status, output: green.output }).toMatchObject({ status: 0 });
    expect(green.output).toContain(`✓ cdk-nag ${['AwsSolutions', ...packs].join(', ')} checked every environment of the app of src/main.ts`);
    const docs = read('docs/architecture.md');
    expect(docs).toContain('| rule | pack rule ids | on | why |');
    expect(docs).toContain('| ELBv2ACMCertificateRequired | `NIST.800.53.R5-ELBv2ACMCertificateRequired`, `HIPAA.Security-ELBv2ACMCertificateRequired`, '
      + '`PCI.DSS.321-ELBv2ACMCertificateRequired` | the load balancer\'s port 80 listener |');
    // A team's bucket like the frontend's is flagged by the rules acknowledged on the frontend's.
    write('src/app-stack.ts', read('src/app-stack.ts').replace("import { Stack, StackProps } from 'aws-cdk-lib';",
      "import { Stack, StackProps } from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';")
      .replace('    this.app = new PrivateApp(', "    new s3.Bucket(this, 'Reports', { enforceSSL: true });\n    this.app = new PrivateApp("));
    const red = run('npx', ['jest', 'test/hybrid/infrastructure.test.ts'], repo);
    expect(red.status).not.toBe(0);
    expect(red.output).toMatch(/dev\/OrdersApp\/Reports\/Resource aws-cdk-lib\.aws_s3\.CfnBucket\s+Acknowledge with 'NIST\.800\.53\.R5::NIST\.800\.53\.R5-S3BucketVersioningEnabled'/);
    expect(red.output).not.toContain('PrivateApp/Frontend/Bucket/Resource');
  });

  test('takes a second environment, sign-in per environment and the team\'s table, function, bucket, security group and '
    + 'stack, and builds both environments green: tasks per environment, cfn-lint and cdk-nag clean', () => {
    addTheTeamsWork();
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    expect(Object.keys(tasks).filter((task) => /^(deploy|diff|destroy):/.test(task)).sort())
      .toEqual(['deploy:dev', 'deploy:prod', 'destroy:dev', 'diff:dev', 'diff:prod']);
    commit(repo, 'a second environment and the team\'s own resources');
    // The provider's values: app-wide for dev, prod with its own client, secret ARN, session and provider CIDRs, and
    // machine callers with their own provider (auth.machine).
    const tenant = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555';
    const auth = `{ issuer: '${tenant}/v2.0', authorizationEndpoint: '${tenant}/oauth2/v2.0/authorize', `
      + `tokenEndpoint: '${tenant}/oauth2/v2.0/token', userInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo', `
      + "clientId: 'orders-dev', clientSecret: 'orders/oidc-client-secret' }";
    const prodAuth = auth.replace("clientId: 'orders-dev', clientSecret: 'orders/oidc-client-secret'", "clientId: 'orders-prod', "
      + "clientSecret: 'arn:aws:secretsmanager:eu-central-1:222233334444:secret:orders/oidc-AbCdEf', sessionTimeout: 28800, "
      + "providerCidrs: ['10.50.0.0/16'], machine: { issuer: 'https://sts.example.com', jwksEndpoint: 'https://sts.example.com/keys', "
      + "audience: 'api://orders', claims: [{ name: 'roles', format: 'string-array', values: ['Orders.Read'] }], jwksCidrs: ['198.51.100.0/24'] }");
    const projenrc = read('.projenrc.ts');
    expect(projenrc).toContain("{ name: 'prod', ");
    write('.projenrc.ts', projenrc.replace('new HybridServerlessApp({', `new HybridServerlessApp({\n  auth: ${auth},`)
      .replace("{ name: 'prod', ", `{ name: 'prod', auth: ${prodAuth}, `));
    ok('npx', ['projen'], repo);
    // What sign-in changes: the settings' data and the docs (the constructs and their checks follow the data; the team's
    // files stay as they are).
    expect(gitStatus(repo).split('\n').filter((line) => line && line !== ' M .projenrc.ts')).toEqual([' M docs/architecture.md',
      ' M src/hybrid/config.ts']);
    expect(read('docs/architecture.md')).toContain('`https://orders.prod.example.com/oauth2/idpresponse` (prod)');

    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // Each environment its own assembly, with its own account, region, network and host name.
    for (const [environment, expected] of [
      ['dev', { account: '123456789012', region: 'eu-west-1', subnet: 'subnet-0123456789abcdef0', domain: 'orders.corp.example.com' }],
      ['prod', { account: '222233334444', region: 'eu-central-1', subnet: 'subnet-0a1b2c3d4e5f60718', domain: 'orders.prod.example.com' }],
    ] as const) {
      const manifest = JSON.parse(read(`cdk.out/assembly-${environment}/manifest.json`));
      const stack = Object.values(manifest.artifacts).find((artifact: any) => artifact.type === 'aws:cloudformation:stack'
        && artifact.displayName === `${environment}/OrdersApp`) as any;
      expect(stack.environment).toBe(`aws://${expected.account}/${expected.region}`);
      const text = fs.readFileSync(templateOf(repo, environment, 'OrdersApp'), 'utf-8');
      expect(text).toContain(expected.subnet);
      expect(text).toContain(`"${expected.domain}."`);
      expect(fs.existsSync(templateOf(repo, environment, 'Shared'))).toBe(true);
    }
    expect(fs.readFileSync(templateOf(repo, 'prod', 'OrdersApp'), 'utf-8')).toContain('cdk-orders-assets-222233334444-eu-central-1');
    expect(fs.readFileSync(templateOf(repo, 'dev', 'OrdersApp'), 'utf-8')).toContain('cdk-hnb659fds-assets-123456789012-eu-west-1');
    for (const [environment, clientId, session, cidrs, machine] of [
      ['dev', 'orders-dev', 3600, ['0.0.0.0/0'], false], ['prod', 'orders-prod', 28800, ['10.50.0.0/16', '198.51.100.0/24'], true],
    ] as const) {
      const templateFile = templateOf(repo, environment, 'OrdersApp');
      expect(unacceptedCfnLintFindings(templateFile)).toEqual([]);
      const resources: any[] = Object.values(JSON.parse(fs.readFileSync(templateFile, 'utf-8')).Resources);
      const rules = resources.filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
        .map((rule) => rule.Properties).sort((a, b) => a.Priority - b.Priority);
      // /api/* first (401 without a session), then the app's pages (sign-in redirect); each authenticates, then forwards.
      // With machine callers, bearer requests to /api/* before both: the load balancer verifies the token, then forwards.
      expect(rules.map((rule) => [JSON.stringify(rule.Conditions).includes('"/api/*"'),
        rule.Actions.map((action: any) => `${action.Order} ${action.Type} ${action.AuthenticateOidcConfig?.OnUnauthenticatedRequest ?? ''}`.trim())]))
        .toEqual([...machine ? [[true, ['1 jwt-validation', '2 forward']]] : [],
          [true, ['1 authenticate-oidc deny', '2 forward']], [false, ['1 authenticate-oidc authenticate', '2 forward']]]);
      if (machine) {
        expect(rules[0].Actions[0].JwtValidationConfig).toEqual({
          Issuer: 'https://sts.example.com',
          JwksEndpoint: 'https://sts.example.com/keys',
          AdditionalClaims: [{ Format: 'single-string', Name: 'aud', Values: ['api://orders'] }, { Format: 'string-array', Name: 'roles', Values: ['Orders.Read'] }],
        });
        expect(read('docs/architecture.md')).toContain('| `prod` | `https://sts.example.com` | `https://sts.example.com/keys` | `api://orders` |');
      }
      for (const rule of rules.slice(machine ? 1 : 0)) {
        expect(rule.Actions[0].AuthenticateOidcConfig).toMatchObject({ ClientId: clientId, SessionTimeout: session, Scope: 'openid email profile' });
        expect(rule.Actions[0].AuthenticateOidcConfig.ClientSecret).toMatch(/^\{\{resolve:secretsmanager:.*:SecretString:::\}\}$/);
      }
      const albGroup = resources.find((resource) => resource.Type === 'AWS::EC2::SecurityGroup'
        && resource.Properties.GroupDescription.startsWith('Internal ALB'));
      expect(albGroup.Properties.SecurityGroupEgress.map((rule: any) => `${rule.CidrIp}:${rule.FromPort}-${rule.ToPort}`))
        .toEqual(cidrs.map((cidr) => `${cidr}:443-443`));
      const handler = resources.find((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.TracingConfig);
      expect(handler.Properties.Environment.Variables).toMatchObject({
        HYBRID_AUTH_SIGNER: { Ref: expect.stringMatching(/^PrivateAppAlbLoadBalancer/) },
        HYBRID_AUTH_KEYS_URL: `https://public-keys.auth.elb.${environment === 'dev' ? 'eu-west-1' : 'eu-central-1'}.amazonaws.com`,
      });
      expect(handler.Properties.Environment.Variables.HYBRID_MACHINE_JWKS_URL).toBe(machine ? 'https://sts.example.com/keys' : undefined);
    }
  });

  test('turns red on an unacknowledged cdk-nag finding in one environment, in the build\'s synth and in the managed test, naming only it', () => {
    addTheTeamsWork();
    const stack = read('src/app-stack.ts');
    write('src/app-stack.ts', stack.replace("import { Stack, StackProps, Validations } from 'aws-cdk-lib';",
      "import { Stack, StackProps, Stage, Validations } from 'aws-cdk-lib';").replace('orders.grantReadData(this.app.handler);',
      'orders.grantReadData(this.app.handler);\n    if (Stage.of(this)?.stageName === \'prod\') new s3.Bucket(this, \'Uploads\');'));
    const build = run('npx', ['projen', 'build'], repo);
    expect(build.status).not.toBe(0);
    expect(build.output).toContain('prod/OrdersApp/Uploads');
    expect(build.output).not.toContain('dev/OrdersApp/Uploads');
    const managed = run('npx', ['jest', 'test/hybrid/infrastructure.test.ts'], repo);
    expect(managed.status).not.toBe(0);
    expect(managed.output).toMatch(/✕ cdk-nag AwsSolutions checked every environment of the app of src\/main\.ts and found nothing unacknowledged \[cdk-nag\]/);
    // prod's check, and nothing else.
    expect(managed.output).toMatch(/Tests:\s+1 failed, \d+ passed/);
  });

  test('turns red when the team opens the load balancer to the internet, in the managed check of the private path; '
    + 'a check switched off with a reason in .projenrc.ts is shown as skipped with it, and one that does not exist is an error', () => {
    write('src/app-stack.ts', read('src/app-stack.ts').replace("import { Stack, StackProps } from 'aws-cdk-lib';",
      "import { Stack, StackProps } from 'aws-cdk-lib';\nimport * as ec2 from 'aws-cdk-lib/aws-ec2';").replace(/(\n {4}\}\);\n)( {2}\}\n\}\n)$/,
      '$1    this.app.alb.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));\n$2'));
    const projenrc = read('.projenrc.ts');
    write('.projenrc.ts', projenrc.replace('new HybridServerlessApp({',
      'new HybridServerlessApp({\n  switchedOffChecks: [{ id: \'alb-deletion-protection\', reason: \'a short-lived demo environment\' }],'));
    ok('npx', ['projen'], repo);
    const result = managedTest('--verbose');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/✕ admits only the corporate CIDRs, never the internet \[alb-ingress-corporate-only\]/);
    // …and cdk-nag (EC23) in the app of src/main.ts; nothing else failed, the switched-off check skipped with its reason.
    expect(result.output).toMatch(/✕ cdk-nag AwsSolutions checked every environment .* \[cdk-nag\]/);
    expect(result.output).toMatch(/○ skipped is protected from deletion in production \[alb-deletion-protection\] \(switched off in \.projenrc\.ts: a short-lived demo environment\)/);
    expect(result.output).toMatch(/Tests:\s+2 failed, 1 skipped, \d+ passed/);
    write('.projenrc.ts', projenrc.replace('new HybridServerlessApp({',
      'new HybridServerlessApp({\n  switchedOffChecks: [{ id: \'alb-deletion-protecton\', reason: \'a short-lived demo environment\' }],'));
    const typo = run('npx', ['projen'], repo);
    expect(typo.status).not.toBe(0);
    expect(typo.output).toContain('switchedOffChecks[0].id: "alb-deletion-protecton" is not a managed check. Did you mean "alb-deletion-protection"?');
  });

  /** Appends a type error to each file (a new file where none is), runs `check`, then puts every file back. */
  const withTypeErrors = (names: string[], check: () => void) => {
    const before = new Map(names.map((name) => [name, fs.existsSync(file(name)) ? read(name) : undefined]));
    try {
      for (const [name, text] of before) write(name, `${text ?? ''}export const wrong: number = 'a string';\n`);
      check();
    } finally {
      for (const [name, text] of before) {
        if (text === undefined) fs.rmSync(file(name));
        else write(name, text);
      }
    }
  };
  const typeError = (name: string) => new RegExp(`${name.replace(/[.]/g, '\\.')}\\(\\d+,\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'`);

  test('turns red on a type error in a handler, a test, the stack, a new file nothing imports yet and .projenrc.ts, '
    + 'and on a type-aware lint error, each named', () => {
    // One build: the check reports every file's type error, and what eslint's type-aware rules find.
    const names = ['src/api/api.lambda.ts', 'test/api.test.ts', 'src/app-stack.ts', 'src/api/orders.ts', '.projenrc.ts'];
    const floating = 'src/api/audit.ts';
    write(floating, 'async function record(): Promise<void> {}\n\nexport function audit(): void {\n  record();\n}\n');
    try {
      withTypeErrors(names, () => {
        const build = run('npx', ['projen', 'build'], repo);
        expect(build.status).not.toBe(0);
        expect(build.output).toContain('check | hybrid-serverless-check -p test/tsconfig.json');
        for (const name of names) expect(build.output).toMatch(typeError(name));
        expect(build.output).toMatch(new RegExp(`${file(floating).replace(/[.]/g, '\\.')}\\n\\s+4:3\\s+error\\s+Promises must be awaited.*@typescript-eslint/no-floating-promises`));
        expect(build.output).toContain('hybrid-serverless-check: 5 type errors and 1 lint error (above).');
      });
    } finally {
      fs.rmSync(file(floating));
    }
    expect(gitStatus(repo)).toBe('');
  });

  test('turns red on a type error in the frontend', () => {
    // The frontend's own type-check, before the bundle.
    withTypeErrors(['frontend/src/main.ts'], () => {
      const build = run('npx', ['projen', 'build'], repo);
      expect(build.status).not.toBe(0);
      expect(build.output).toMatch(typeError('frontend/src/main.ts'));
    });
  });

  test('keeps an owned file deleted', () => {
    ok('git', ['rm', '-q', 'README.md', 'test/api.test.ts'], repo);
    ok('npx', ['projen'], repo);
    expect(fs.existsSync(file('README.md'))).toBe(false);
    expect(fs.existsSync(file('test/api.test.ts'))).toBe(false);
  });

  // Its build, with the team's edited test, is apigw-vpce.test.ts's.
  test('turns the frontend off: the sample goes with it, but what the team\'s edited test imports', () => {
    write('.projenrc.ts', read('.projenrc.ts').replace('frontend: true,', 'frontend: false,'));
    const untouched = copyRepo(repo);
    ok('npx', ['projen'], untouched);
    for (const gone of ['frontend', 'test/frontend.test.ts']) expect(fs.existsSync(path.join(untouched, gone))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(untouched, '.projen/tasks.json'), 'utf-8')).tasks['frontend:build']).toBeUndefined();

    write('test/frontend.test.ts', `${read('test/frontend.test.ts')}\n// The team's own case.\n`);
    const synth = ok('npx', ['projen'], repo);
    expect(synth).toContain('frontend/src/greeting.ts is kept: test/frontend.test.ts still refers to it');
    expect(fs.existsSync(file('frontend/src/greeting.ts'))).toBe(true);
    expect(fs.existsSync(file('frontend/src/main.ts'))).toBe(false);
  });
});
