import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AUTH, acknowledgementsIn, buildApp, buildApps, environmentsFor, MACHINE, PROD, synthesizeChecked } from './util';
import { EXISTING_ENDPOINT, VARIANTS } from './variants';
import { HybridServerlessAppOptions, Topology } from '../../src';
import { CheckTarget, HANDLER_CHECKS, INFRASTRUCTURE_CHECKS } from '../../src/checks';
import { API_CONSTRUCTS } from '../../src/constructs';
import { TOPOLOGIES } from '../../src/topologies';
import { unacceptedCfnLintFindings } from '../e2e/cfn-lint';
import { newProject, synth } from '../util';

describe.each(VARIANTS)('PrivateApp, %s', (_title, options) => {
  const environments = environmentsFor(options);

  test('synthesizes every environment in one app with cdk-nag finding nothing unacknowledged', () => {
    const { app, stacks } = buildApps(environments);
    expect(() => synthesizeChecked(app)).not.toThrow();
    expect(stacks.map((stack) => stack.stackName)).toEqual(environments.map((environment) => `${environment.name}-App`));
  });

  describe.each(environments.map((environment) => [environment.name, environment] as const))('environment %s', (_name, config) => {
    const { stack, privateApp } = buildApp(config);
    const target = new CheckTarget(stack);
    const checks = INFRASTRUCTURE_CHECKS.filter((group) => !group.applies || group.applies(target))
      .flatMap((group) => group.checks.filter((check) => !check.applies || check.applies(target)));

    test.each(checks.map((check) => [`${check.title(target)} [${check.id}]`, check] as const))('keeps the managed check: %s', (_t, check) => {
      check.run(target);
    });
    const handlerChecks = HANDLER_CHECKS.filter((check) => !check.applies || check.applies(target));
    test.each(handlerChecks.map((check) => [`${check.group} ${check.title(target)}`, check] as const))('keeps the handler check: %s', (_t, check) => {
      check.run(target);
    });

    test('builds the parts its topology\'s spec names, and no others', () => {
      const spec = TOPOLOGIES[config.topology as Topology];
      const types = Object.values(target.resources).map((resource: any) => resource.Type as string);
      expect(types.includes('AWS::ElasticLoadBalancingV2::LoadBalancer')).toBe(spec.loadBalancer);
      expect(types.includes('AWS::ApiGateway::RestApi')).toBe(spec.restApi);
      expect(types.includes('AWS::ApiGateway::DomainNameV2')).toBe(spec.privateDomainName);
      expect(types.includes('AWS::ApiGateway::DomainName')).toBe(spec.endpointTargets);
      expect(types.includes('Custom::CDKBucketDeployment')).toBe(config.frontend);
      const endpoints = Object.values(target.find('AWS::EC2::VPCEndpoint')).map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
      expect(endpoints.some((name) => name.includes('.execute-api'))).toBe(spec.executeApiEndpoint && !config.vpcEndpointId);
      expect(endpoints.some((name) => name.includes('.s3'))).toBe(config.frontend);
      expect(privateApp.api.constructor.name).toBe(spec.construct.className);
      expect(privateApp.alb !== undefined).toBe(spec.loadBalancer);
      expect(privateApp.handlerSecurityGroup !== undefined).toBe(config.handlerDestinations.length > 0);
    });

    test('acknowledges exactly the cdk-nag rules docs/architecture.md lists, each with a reason', () => {
      // AwsSolutions' (the extra packs' are test/constructs/nag-packs.test.ts's).
      const acknowledged = new Set([...acknowledgementsIn(stack).keys()].flatMap((id) => id.match(/^AwsSolutions::AwsSolutions-([A-Z]+\d+)/)?.[1] ?? []));
      const docs: string = synth(newProject({ ...options, environments: [{ name: config.name, ...options.environments?.find((e) => e.name === config.name) }] }))['docs/architecture.md'];
      const table = docs.split('## Security')[1].split('What you must still decide')[0];
      const listed = new Set([...table.matchAll(/^\| ([A-Z0-9, ]+) \|/gm)].flatMap((row) => row[1].split(', ')));
      expect([...listed].sort()).toEqual([...acknowledged].sort());
      for (const reasons of acknowledgementsIn(stack).values()) for (const reason of reasons) expect(reason.length).toBeGreaterThan(20);
    });
  });
});

describe('what a setting changes', () => {
  const rulesOf = (stack: Stack) => (Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::ListenerRule')) as any[])
    .map((rule) => rule.Properties).sort((a, b) => a.Priority - b.Priority)
    .map((rule) => [rule.Priority, rule.Conditions.map((condition: any) => condition.Field).join('+'),
      ...rule.Actions.map((action: any) => `${action.Type} ${action.AuthenticateOidcConfig?.OnUnauthenticatedRequest ?? ''}`.trim())]);

  test('sign-in without a frontend: /api/* gets 401 without a session (priority 10), every other path signs in (100)', () => {
    const { stack } = buildApp(environmentsFor({ auth: AUTH })[0]);
    expect(rulesOf(stack)).toEqual([
      [10, 'host-header+path-pattern', 'authenticate-oidc deny', 'forward'],
      [100, 'host-header', 'authenticate-oidc authenticate', 'forward'],
    ]);
  });

  test('sign-in with a frontend: /api/* to the API (10), every other path to S3 (100), both signing in', () => {
    const { stack } = buildApp(environmentsFor({ auth: AUTH, frontend: true })[0]);
    expect(rulesOf(stack)).toEqual([
      [10, 'host-header+path-pattern', 'authenticate-oidc deny', 'forward'],
      [100, 'host-header+path-pattern', 'authenticate-oidc authenticate', 'forward'],
    ]);
  });

  test('machine callers: bearer requests to /api/* are verified by the load balancer (5), before the sign-in\'s rules', () => {
    for (const frontend of [false, true]) {
      const { stack } = buildApp(environmentsFor({ auth: { ...AUTH, machine: MACHINE }, frontend })[0]);
      expect(rulesOf(stack)).toEqual([
        [5, 'host-header+path-pattern+http-header', 'jwt-validation', 'forward'],
        [10, 'host-header+path-pattern', 'authenticate-oidc deny', 'forward'],
        [100, frontend ? 'host-header+path-pattern' : 'host-header', 'authenticate-oidc authenticate', 'forward'],
      ]);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Priority: 5,
        Conditions: [
          { Field: 'host-header', HostHeaderConfig: { Values: ['app.internal.example.com'] } },
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
          { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Authorization', Values: ['Bearer *'] } },
        ],
        Actions: [
          {
            Type: 'jwt-validation',
            Order: 1,
            JwtValidationConfig: {
              Issuer: 'https://auth.services.example.com',
              JwksEndpoint: 'https://auth.services.example.com/.well-known/jwks.json',
              AdditionalClaims: [
                { Format: 'single-string', Name: 'aud', Values: ['api://orders'] },
                { Format: 'space-separated-values', Name: 'scope', Values: ['orders.read'] },
              ],
            },
          },
          { Type: 'forward', Order: 2, TargetGroupArn: Match.anyValue() },
        ],
      });
      // The key set on 443, to its range only; the function told which provider to check the token against again.
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupEgress: Match.arrayWith([{
          CidrIp: '203.0.113.0/24', Description: 'HTTPS to the JWKS endpoint (machine callers)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443,
        }]),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            HYBRID_MACHINE_ISSUER: 'https://auth.services.example.com',
            HYBRID_MACHINE_JWKS_URL: 'https://auth.services.example.com/.well-known/jwks.json',
            HYBRID_MACHINE_AUDIENCE: 'api://orders',
          }),
        },
      });
    }
  });

  test('the machine callers\' rule is valid CloudFormation (cfn-lint): the escape hatch\'s AdditionalClaims as AWS names them', () => {
    const { stack } = buildApp(environmentsFor({ auth: { ...AUTH, machine: MACHINE } })[0]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chs-machine-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    expect(unacceptedCfnLintFindings(file)).toEqual([]);
    // cfn-lint knows the property: a misspelt one is an error.
    const template = Template.fromStack(stack).toJSON();
    const rule = Object.values(template.Resources as Record<string, any>).find((resource) => JSON.stringify(resource).includes('jwt-validation'));
    rule.Properties.Actions[0].JwtValidationConfig.AdditionalClaim = rule.Properties.Actions[0].JwtValidationConfig.AdditionalClaims;
    fs.writeFileSync(file, JSON.stringify(template));
    expect(unacceptedCfnLintFindings(file).map((finding) => finding.level)).toContain('Error');
  });

  test('sign-in without machine callers verifies no bearer tokens and opens no egress for a key set', () => {
    const text = JSON.stringify(Template.fromStack(buildApp(environmentsFor({ auth: AUTH })[0]).stack).toJSON());
    expect(text).not.toContain('jwt-validation');
    expect(text).not.toContain('JWKS');
    expect(text).not.toContain('HYBRID_MACHINE');
  });

  test('without sign-in, every path of the host to the API, no sign-in anywhere', () => {
    const { stack } = buildApp(environmentsFor()[0]);
    expect(rulesOf(stack)).toEqual([[100, 'host-header', 'forward']]);
  });

  test('the handler in the VPC with sign-in may also reach the load balancer\'s public keys on 443', () => {
    const { stack, privateApp } = buildApp(environmentsFor({ auth: AUTH, handlerEgress: ['10.20.0.0/16:5432'] })[0]);
    const group = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(privateApp.handlerSecurityGroup!.node.defaultChild as any)];
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '10.20.0.0/16', FromPort: 5432, ToPort: 5432 }),
      expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, Description: 'HTTPS to public-keys.auth.elb.eu-west-1.amazonaws.com' }),
    ]);
  });

  test('the REST API behind a load balancer with sign-in names the sign-in as why it has no authorizer; without, the team\'s decision', () => {
    const reasonOf = (options: Partial<HybridServerlessAppOptions>) =>
      acknowledgementsIn(buildApp(environmentsFor({ topology: Topology.APIGW_VPCE, ...options })[0]).stack).get('AwsSolutions::AwsSolutions-APIG4');
    expect(reasonOf({ auth: AUTH })).toEqual([expect.stringContaining('Users sign in at the internal load balancer (OpenID Connect)')]);
    expect(reasonOf({})).toEqual([expect.stringContaining('User authentication is the team\'s decision')]);
  });

  test('an existing execute-api endpoint is left as its owners have it: no endpoint, no policy set, its IPs looked up', () => {
    for (const topology of [Topology.APIGW_VPCE, Topology.APIGW_PRIVATE_DOMAIN]) {
      const text = JSON.stringify(Template.fromStack(buildApp(environmentsFor({ topology, vpcEndpointId: EXISTING_ENDPOINT })[0]).stack).toJSON());
      expect(text).not.toContain('AWS::EC2::VPCEndpoint');
      expect(text).not.toContain('modifyVpcEndpoint');
      expect(text).toContain(EXISTING_ENDPOINT);
      expect(text).toContain('describeVpcEndpoints');
    }
  });

  test('the frontend deployment\'s acknowledgements name the asset bucket of the environment\'s bootstrap qualifier', () => {
    const [, prod] = environmentsFor({ frontend: true, environments: [{ name: 'dev' }, PROD] });
    const ids = [...acknowledgementsIn(buildApps([prod]).stacks[0]).keys()];
    expect(ids).toContain('AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-orders-assets-222233334444-eu-central-1/*]');
    expect(ids.join()).not.toContain('hnb659fds');
  });

  test('a finding in the last environment\'s Stage fails the synthesis, naming it (cdk-nag per Stage)', () => {
    const { app, stacks } = buildApps(environmentsFor({ environments: [{ name: 'dev' }, PROD] }));
    new s3.Bucket(stacks[1], 'Uploads');
    expect(() => synthesizeChecked(app)).toThrow(/AwsSolutions-S1[\s\S]*prod\/App\/Uploads/);
  });

  test('a topology construct for every topology, named by its spec', () => {
    expect(Object.keys(API_CONSTRUCTS).sort()).toEqual(Object.keys(TOPOLOGIES).sort());
  });

  test('refuses a frontend where the topology serves none, and a frontend without the built app', () => {
    const [config] = environmentsFor({ topology: Topology.APIGW_PRIVATE_DOMAIN });
    expect(() => buildApp({ ...config, frontend: true })).toThrow('The topology "apigw-private-domain" serves no frontend.');
  });
});
