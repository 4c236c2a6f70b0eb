import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { copyRepo, createWithSharedInstall, freshDir, gitStatus, ok, packTarball, run, templateOf } from './util';

// API Gateway with a frontend, the API function inside the VPC and sign-in at the load balancer, as the CLI generates it;
// then, each on its own copy, the frontend off with the team's own method, files and second environment, and a switch
// to ALB to Lambda that bundles on its own. Each builds green, and each synthesized template passes cfn-lint.
describe('a repo generated with the API Gateway topology and a frontend', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-apigw-');
  const generated = path.join(parent, 'gateway-app');
  /** The repo the current test works on: the generated one, or a copy of it. */
  let repo = generated;
  const templateFile = () => templateOf(repo, 'dev', 'GatewayApp');
  const resourceTypes = () => Object.values(JSON.parse(fs.readFileSync(templateFile(), 'utf-8')).Resources)
    .map((resource: any) => resource.Type as string);
  const handlerVpcConfig = () => (Object.values(JSON.parse(fs.readFileSync(templateFile(), 'utf-8')).Resources) as any[])
    .find((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.TracingConfig)?.Properties.VpcConfig;
  /** The listener rules in priority order: path pattern and actions (order, type, what an unauthenticated request gets). */
  const signIn = () => (Object.values(JSON.parse(fs.readFileSync(templateFile(), 'utf-8')).Resources) as any[])
    .filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule').map((rule) => rule.Properties)
    .sort((a, b) => a.Priority - b.Priority)
    .map((rule) => [rule.Conditions.find((condition: any) => condition.Field === 'path-pattern')?.PathPatternConfig.Values[0] ?? '(any)',
      ...rule.Actions.map((action: any) => `${action.Order} ${action.Type} ${action.AuthenticateOidcConfig?.OnUnauthenticatedRequest ?? ''}`.trim())]);
  const edit = (from: string, to: string) => {
    const projenrc = path.join(repo, '.projenrc.ts');
    const source = fs.readFileSync(projenrc, 'utf-8');
    expect(source).toContain(from);
    fs.writeFileSync(projenrc, source.replace(from, to));
  };

  beforeAll(() => {
    // Sign-in from the answers file, as a team that scripts the CLI gives it.
    fs.writeFileSync(path.join(parent, 'answers.json'), JSON.stringify({
      auth: {
        issuer: 'https://corp.okta.com/oauth2/default',
        authorizationEndpoint: 'https://corp.okta.com/oauth2/default/v1/authorize',
        tokenEndpoint: 'https://corp.okta.com/oauth2/default/v1/token',
        userInfoEndpoint: 'https://corp.okta.com/oauth2/default/v1/userinfo',
        clientId: '0oa1b2c3d4e5f6g7h8i9',
        clientSecret: 'gateway/oidc-client-secret',
        providerCidrs: ['10.60.0.0/16'],
      },
    }));
    createWithSharedInstall(tarball, parent, ['gateway-app', '--yes', '--answers', 'answers.json', '--topology', 'apigw-vpce', '--frontend',
      '--handler-egress', '10.20.0.0/16:5432,10.30.0.0/24:8080-8089']);
    expect(fs.readFileSync(path.join(generated, '.projenrc.ts'), 'utf-8')).toContain("clientSecret: 'gateway/oidc-client-secret'");
  });

  test('builds green with its own `npx projen build`, signing users in at the load balancer', () => {
    repo = copyRepo(generated);
    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // Each step once: the frontend type-checked and bundled, the handlers bundled (pre-compile), the build's cdk synth
    // without cdk.json's build hook, the test task's bundling skipped.
    for (const step of ['| tsc --noEmit -p frontend/tsconfig.json', '| esbuild frontend/index.html', '| esbuild --bundle src/api/api.lambda.ts']) {
      expect({ step, times: output.split(step).length - 1 }).toEqual({ step, times: 1 });
    }
    expect(output).toContain("synth:silent | cdk synth -q --build ''");
    expect(unacceptedCfnLintFindings(templateFile())).toEqual([]);
    expect(signIn()).toEqual([['/api/*', '1 authenticate-oidc deny', '2 forward'], ['/*', '1 authenticate-oidc authenticate', '2 forward']]);
    const types = resourceTypes();
    expect(types).toEqual(expect.arrayContaining(['AWS::EC2::VPCEndpoint', 'AWS::ApiGateway::RestApi', 'Custom::AWS',
      'Custom::CDKBucketDeployment']));
    // Two interface endpoints: execute-api for the API, S3 for the app.
    expect(types.filter((type) => type === 'AWS::EC2::VPCEndpoint')).toHaveLength(2);
    expect(handlerVpcConfig()?.SubnetIds).toHaveLength(2);
    expect(gitStatus(repo)).toBe('');
  });

  test('turns the frontend off cleanly but for what the team\'s edited test imports, with a validated POST method of the '
    + 'team\'s on the REST API, the team\'s files in projenrc/ and build-tools/ type-checked and linted, and a second '
    + 'environment on an existing endpoint', () => {
    repo = copyRepo(generated);
    // The team's .projenrc.ts helpers and build tools: the typecheck fails on a type error in them.
    fs.writeFileSync(path.join(repo, 'projenrc/names.ts'), "export const TEAM = 'orders';\n");
    fs.mkdirSync(path.join(repo, 'build-tools'));
    fs.writeFileSync(path.join(repo, 'build-tools/stamp.ts'), "import { TEAM } from '../projenrc/names';\n\nexport const stamp: number = TEAM;\n");
    const typecheck = run('npx', ['projen', 'typecheck'], repo);
    expect(typecheck.status).not.toBe(0);
    expect(typecheck.output).toMatch(/build-tools\/stamp\.ts.*error TS2322/);
    // Put right, they stay: the build below lints them with the typecheck's one TypeScript program (a file outside it
    // would fail to parse: "not found in any of the provided projects") and type-checks them.
    fs.writeFileSync(path.join(repo, 'build-tools/stamp.ts'), "import { TEAM } from '../projenrc/names';\n\nexport const stamp = `${TEAM}-1`;\n");

    // The reason to choose this topology: API Gateway validates the team's own methods.
    const stackFile = path.join(repo, 'src/app-stack.ts');
    fs.writeFileSync(stackFile, fs.readFileSync(stackFile, 'utf-8')
      .replace("import { Construct } from 'constructs';", "import * as apigw from 'aws-cdk-lib/aws-apigateway';\nimport { Construct } from 'constructs';")
      .replace(/(\n    \}\);\n)(  \}\n\}\n)$/, `$1
    const api = this.app.api.restApi;
    const order = api.addModel('Order', {
      contentType: 'application/json',
      schema: { type: apigw.JsonSchemaType.OBJECT, required: ['item'], properties: { item: { type: apigw.JsonSchemaType.STRING } } },
    });
    api.root.addResource('orders').addMethod('POST', new apigw.LambdaIntegration(this.app.handler), {
      requestValidatorOptions: { validateRequestBody: true },
      requestModels: { 'application/json': order },
    });
$2`));
    // The team's own case in the frontend's test: the sample it imports stays (the rest of the frontend goes).
    const frontendTest = path.join(repo, 'test/frontend.test.ts');
    fs.writeFileSync(frontendTest, `${fs.readFileSync(frontendTest, 'utf-8')}\n// The team's own case.\n`);
    edit('frontend: true,', 'frontend: false,');
    // A second environment that uses an existing execute-api endpoint (behind the load balancer): the app leaves
    // its policy alone, and the load balancer sends only to that endpoint's addresses.
    edit("environments: [{ name: 'dev' }],", "environments: [{ name: 'dev' }, { name: 'shared', vpcEndpointId: 'vpce-0123456789abcdef0' }],");
    expect(ok('npx', ['projen'], repo)).toContain('frontend/src/greeting.ts is kept: test/frontend.test.ts still refers to it');
    expect(fs.readdirSync(path.join(repo, 'frontend'), { recursive: true }).map(String).sort()).toEqual(['src', 'src/greeting.ts']);
    expect(JSON.parse(fs.readFileSync(path.join(repo, '.projen/tasks.json'), 'utf-8')).tasks['frontend:build']).toBeUndefined();

    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/check \| hybrid-serverless-check .* projenrc .*/);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(unacceptedCfnLintFindings(templateFile())).toEqual([]);
    const types = resourceTypes();
    expect(types.filter((type) => type === 'AWS::EC2::VPCEndpoint')).toHaveLength(1);
    expect(types).not.toContain('Custom::CDKBucketDeployment');
    expect(types.filter((type) => type === 'AWS::S3::Bucket')).toHaveLength(1);
    expect(types.filter((type) => type === 'AWS::ApiGateway::Method')).toHaveLength(3);
    // Without the frontend: /api/* (401 without a session) before every other path (sign-in).
    expect(signIn()).toEqual([['/api/*', '1 authenticate-oidc deny', '2 forward'], ['(any)', '1 authenticate-oidc authenticate', '2 forward']]);
    const sharedFile = templateOf(repo, 'shared', 'GatewayApp');
    const shared = JSON.parse(fs.readFileSync(sharedFile, 'utf-8')).Resources;
    expect(Object.values(shared).map((resource: any) => resource.Type)).not.toContain('AWS::EC2::VPCEndpoint');
    expect(JSON.stringify(shared)).not.toContain('modifyVpcEndpoint');
    expect(JSON.stringify(shared)).toContain('vpce-0123456789abcdef0');
    expect(unacceptedCfnLintFindings(sharedFile)).toEqual([]);
  });

  test('switches to ALB to Lambda in .projenrc.ts with the handlers untouched, and bundles on its own in a clean checkout: '
    + '`npx projen test`, `cdk synth` and the typecheck green', () => {
    repo = copyRepo(generated);
    edit('topology: Topology.APIGW_VPCE,', 'topology: Topology.ALB_LAMBDA,');
    ok('npx', ['projen'], repo);
    expect(fs.readFileSync(path.join(repo, 'src/hybrid/private-app.ts'), 'utf-8')).toContain("ManagedPrivateApp<'alb-lambda'>");

    // Without a build first: the test task bundles what the tests deploy, `cdk synth` what the app deploys.
    expect(fs.existsSync(path.join(repo, 'frontend/dist'))).toBe(false);
    expect(ok('npx', ['projen', 'test'], repo)).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    fs.rmSync(path.join(repo, 'frontend/dist'), { recursive: true });
    fs.rmSync(path.join(repo, 'assets'), { recursive: true });
    ok('npx', ['cdk', 'synth', '-q'], repo);
    expect(fs.existsSync(path.join(repo, 'frontend/dist/main.js'))).toBe(true);
    expect(fs.readdirSync(path.join(repo, 'assets/api'))).toEqual(['api.lambda']);
    ok('npx', ['projen', 'typecheck'], repo);

    expect(unacceptedCfnLintFindings(templateFile())).toEqual([]);
    // The frontend's S3 endpoint stays; the execute-api one goes with the REST API.
    expect(resourceTypes().filter((type) => type === 'AWS::EC2::VPCEndpoint')).toHaveLength(1);
    expect(resourceTypes()).not.toContain('AWS::ApiGateway::RestApi');
    // The API function stays in the VPC (handlerEgress) in the other topology too.
    expect(handlerVpcConfig()?.SubnetIds).toHaveLength(2);
    expect(signIn()).toEqual([['/api/*', '1 authenticate-oidc deny', '2 forward'], ['/*', '1 authenticate-oidc authenticate', '2 forward']]);

    // Only the settings and files projen manages changed: the team's handlers, stack and tests did not.
    const changed = gitStatus(repo).split('\n').map((line) => line.slice(3));
    const managed: string[] = [
      'package.json', // written by projen, marked by its "//" key, not listed in files.json
      ...JSON.parse(ok('git', ['show', 'HEAD:.projen/files.json'], repo)).files,
      ...JSON.parse(fs.readFileSync(path.join(repo, '.projen/files.json'), 'utf-8')).files,
    ];
    expect(changed).toContain('.projenrc.ts');
    expect(changed).toContain('src/hybrid/config.ts');
    expect(changed.filter((file) => file !== '.projenrc.ts' && !managed.includes(file))).toEqual([]);
    for (const own of ['src/api/app.ts', 'src/api/api.lambda.ts', 'src/app-stack.ts', 'src/main.ts', 'test/api.test.ts', 'README.md']) {
      expect(changed).not.toContain(own);
    }
  });
});
