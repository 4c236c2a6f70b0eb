import { Aspects, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { HybridServerlessAppOptions, Topology } from '../../src';
import { CheckTarget, HANDLER_CHECKS, INFRASTRUCTURE_CHECKS, ManagedCheck } from '../../src/checks';
import { MANAGED_CHECK_IDS } from '../../src/checks/ids';
import { AlbLambdaApi, ApigwPrivateDomainApi, ApigwVpceApi, HybridConfig, InternalAlb, PrivateApp, PrivateEndpoint } from '../../src/constructs';
import { AUTH, buildApp, environmentsFor, MACHINE } from '../constructs/util';

// Every managed check can fail: for each, what a team's escape hatch could do to the package's constructs, and the
// check that must then go red (the others are proved green in test/constructs/private-app.test.ts).

const CHECKS = new Map(INFRASTRUCTURE_CHECKS.flatMap((group) => group.checks).map((check) => [check.id, check]));

/** The L1 resource of a construct (its default child), or the first under it of a CloudFormation type. */
function cfn(scope: IConstruct, type?: string): CfnResource {
  if (!type && CfnResource.isCfnResource(scope)) return scope;
  const found = type
    ? scope.node.findAll().find((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === type)
    : scope.node.defaultChild;
  if (!found) throw new Error(`no ${type ?? 'default child'} under ${scope.node.path}`);
  return found as CfnResource;
}
const albOf = (app: PrivateApp) => app.alb as InternalAlb;
const restApiOf = (app: PrivateApp) => (app.api as ApigwVpceApi | ApigwPrivateDomainApi).restApi;
const endpointOf = (app: PrivateApp) => app.api.node.findChild('Endpoint') as PrivateEndpoint;
type Settings = Partial<HybridServerlessAppOptions>;
const vpce = { topology: Topology.APIGW_VPCE };
function environmentOf(options: Settings): HybridConfig {
  return environmentsFor(options)[0];
}
const domain = { topology: Topology.APIGW_PRIVATE_DOMAIN };

/** Each check id: the settings, and what breaks it. */
const BREAKS: Record<string, readonly [Settings, (app: PrivateApp, stack: Stack) => void]> = {
  'alb-internal': [{}, (app) => cfn(albOf(app).loadBalancer).addPropertyOverride('Scheme', 'internet-facing')],
  'alb-deletion-protection': [{ production: true }, (app) => albOf(app).loadBalancer.setAttribute('deletion_protection.enabled', 'false')],
  'alb-access-logs': [{}, (app) => cfn(albOf(app).logBucket).addPropertyDeletionOverride('LifecycleConfiguration')],
  'alb-log-bucket-versioned': [{}, (app) => cfn(albOf(app).logBucket).addPropertyDeletionOverride('VersioningConfiguration')],
  'alb-https-tls13': [{}, (app) => cfn(albOf(app).httpsListener).addPropertyOverride('SslPolicy', 'ELBSecurityPolicy-2016-08')],
  'alb-http-redirect': [{}, (app) => cfn(albOf(app).loadBalancer.node.findChild('Http'))
    .addPropertyOverride('DefaultActions', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }])],
  'alb-ingress-corporate-only': [{}, (app) => albOf(app).securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443))],
  'alb-egress-endpoints-only': [vpce, (app) => albOf(app).securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443))],
  'alb-host-header': [{}, (app) => albOf(app).httpsListener.addAction('Open', {
    priority: 5,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/open/*'])],
    action: elbv2.ListenerAction.forward([(app.api as AlbLambdaApi).targetGroup]),
  })],
  // A shortcut to the API that skips the sign-in.
  'alb-sign-in': [{ auth: AUTH }, (app) => albOf(app).httpsListener.addAction('Shortcut', {
    priority: 5,
    conditions: [elbv2.ListenerCondition.hostHeaders([app.config.domain]), elbv2.ListenerCondition.pathPatterns(['/api/public/*'])],
    action: elbv2.ListenerAction.forward([(app.api as AlbLambdaApi).targetGroup]),
  })],
  'alb-sign-in-egress': [{ auth: AUTH }, (app) => albOf(app).securityGroup.addEgressRule(ec2.Peer.ipv4('10.99.0.0/16'), ec2.Port.tcp(443),
    'HTTPS to the identity provider (sign-in)')],
  // The audience and scope dropped: any token of the issuer would pass, whoever it was issued for.
  'alb-machine-callers': [{ auth: { ...AUTH, machine: MACHINE } }, (app) => cfn(albOf(app).node.findChild('MachineCalls'))
    .addPropertyDeletionOverride('Actions.0.JwtValidationConfig.AdditionalClaims')],
  'function-sign-in-environment': [{ auth: AUTH }, (app) => app.handler.addEnvironment('HYBRID_AUTH_KEYS_URL', 'https://keys.example.com')],
  'dns-alias': [{}, (app) => cfn(albOf(app), 'AWS::Route53::RecordSet').addPropertyOverride('Name', 'other.example.com.')],
  'function-runtime': [{}, (app) => cfn(app.handler).addPropertyOverride('Runtime', 'nodejs20.x')],
  'function-role': [{}, (app) => app.handler.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'))],
  'function-log-retention': [{}, (app) => cfn(app.node.findChild('HandlerLogs')).addPropertyDeletionOverride('RetentionInDays')],
  'lambda-target-group': [{}, (app) => (app.api as AlbLambdaApi).targetGroup.setAttribute('lambda.multi_value_headers.enabled', 'false')],
  'lambda-invoke-permission': [{}, (app) => cfn(app.handler.permissionsNode.findChild('AlbInvoke'))
    .addPropertyOverride('SourceArn', 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1')],
  'execute-api-endpoint': [vpce, (app) => endpointOf(app).resource.addPropertyOverride('PrivateDnsEnabled', true)],
  // Every API of every account let through, before the deploy-time policy is set.
  'execute-api-endpoint-policy': [vpce, (app) => endpointOf(app).resource.addPropertyOverride('PolicyDocument.Statement.0',
    { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: '*' })],
  'execute-api-endpoint-access': [vpce, (app) => endpointOf(app).securityGroup.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(443))],
  'execute-api-endpoint-corporate-only': [domain, (app) => endpointOf(app).securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443))],
  'private-rest-api': [vpce, (app) => cfn(restApiOf(app)).addPropertyOverride('Policy.Statement',
    [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }])],
  'stage-logs-tracing': [domain, (app) => cfn(restApiOf(app).deploymentStage).addPropertyOverride('TracingEnabled', false)],
  'no-api-gateway-account': [vpce, (app) => new apigw.CfnAccount(app, 'Account', {
    cloudWatchRoleArn: 'arn:aws:iam::123456789012:role/api-gateway-logs',
  })],
  'proxy-methods': [vpce, (app) => cfn(restApiOf(app).root.node.findChild('ANY')).addPropertyDeletionOverride('RequestValidatorId')],
  'custom-domain': [vpce, (app) => cfn(app.api, 'AWS::ApiGateway::DomainName').addPropertyOverride('SecurityPolicy', 'TLS_1_0')],
  'endpoint-ip-targets': [vpce, (app) => cfn((app.api as ApigwVpceApi).targetGroup).addPropertyOverride('HealthCheckProtocol', 'HTTP')],
  'private-domain-name': [domain, (app) => (app.api as ApigwPrivateDomainApi).domainName.addPropertyOverride('EndpointConfiguration.Types', ['REGIONAL'])],
  'private-domain-mapping': [domain, (app) => cfn(app.api, 'AWS::ApiGateway::DomainNameAccessAssociation')
    .addPropertyOverride('AccessAssociationSource', 'vpce-0fedcba9876543210')],
  'private-domain-alias': [domain, (app) => cfn((app.api as ApigwPrivateDomainApi).record).addPropertyOverride('AliasTarget.DNSName', 'elsewhere.example.com')],
  'no-load-balancer': [domain, (app) => new elbv2.ApplicationLoadBalancer(app, 'Extra', {
    vpc: app.network.vpc, vpcSubnets: { subnets: app.network.subnets },
  })],
  'frontend-bucket': [{ frontend: true }, (app) => cfn(app.frontend!.bucket).addPropertyDeletionOverride('LoggingConfiguration')],
  'frontend-bucket-endpoint-only': [{ frontend: true }, (app) => app.frontend!.bucket.addToResourcePolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'], principals: [new iam.AnyPrincipal()], resources: [app.frontend!.bucket.arnForObjects('*')],
  }))],
  'frontend-endpoint-policy': [{ frontend: true }, (app) => app.frontend!.endpoint.resource.addPropertyOverride('PolicyDocument.Statement.0.Resource', '*')],
  'frontend-deployment': [{ frontend: true }, (app) => cfn(app.frontend!.deployment, 'Custom::CDKBucketDeployment').addPropertyOverride('Prune', false)],
  'frontend-listener-rules': [{ frontend: true }, (app) => cfn(app.frontend!.node.findChild('Rule')).addPropertyOverride('Transforms', [])],
  'no-frontend-resources': [{}, (app) => new s3.Bucket(app, 'Extra')],
  // Only rules to other security groups (separate resources): EC2's default allow-all egress stays.
  'security-groups-no-default-egress': [vpce, (app) => cfn(albOf(app).securityGroup).addPropertyDeletionOverride('SecurityGroupEgress')],
  // The stage's boundary is an aspect on every AWS::IAM::Role; a team's aspect that runs after it can take it off.
  'permissions-boundary': [{ permissionsBoundary: 'acme-boundary' }, (_app, stack) => Aspects.of(stack).add({
    visit: (node) => { if (node instanceof iam.CfnRole) node.addPropertyDeletionOverride('PermissionsBoundary'); },
  }, { priority: 100_000 })],
  'required-tags': [{ tags: { 'cost-centre': '4711', 'owner': 'orders' } }, (app) => Tags.of(app.handler).remove('owner')],
};

test('every managed check has its red case, and the ids are the ones switchedOffChecks takes', () => {
  expect([...CHECKS.keys(), 'cdk-nag']).toEqual(MANAGED_CHECK_IDS);
  expect(Object.keys(BREAKS).sort()).toEqual([...CHECKS.keys()].sort());
});

describe.each(Object.entries(BREAKS))('%s', (id, [options, breakIt]) => {
  const check = CHECKS.get(id) as ManagedCheck;
  const config = environmentOf(options);

  test('holds for what the package builds', () => {
    const target = new CheckTarget(buildApp(config).stack);
    expect(check.applies?.(target) ?? true).toBe(true);
    check.run(target);
  });

  test('fails when the team\'s escape hatch breaks it', () => {
    const target = new CheckTarget(buildApp(config, (stack, app) => breakIt(app, stack)).stack);
    expect(() => check.run(target)).toThrow();
  });
});

describe('the handler checks fail too', () => {
  // The titles of these checks do not depend on the settings.
  const handlerCheck = (title: string) => HANDLER_CHECKS.find((check) => check.title({ config: {} } as CheckTarget) === title)!;
  test.each<[string, Partial<HybridServerlessAppOptions>, (app: PrivateApp) => void]>([
    ['is traced by X-Ray and configured for Powertools', {}, (app) => cfn(app.handler).addPropertyDeletionOverride('TracingConfig')],
    ['runs outside the VPC (no on-premises destinations configured)', {},
      (app) => cfn(app.handler).addPropertyOverride('VpcConfig', { SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: ['sg-0123456789abcdef0'] })],
    ['has only the wildcard resources that AWS requires', {},
      (app) => app.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: ['*'] }))],
    ['is for load balancers of this account only', {}, (app) => cfn(app.handler.permissionsNode.findChild('AlbInvoke')).addPropertyDeletionOverride('SourceAccount')],
    ['treats every media type as binary, so binary responses arrive as bytes', vpce, (app) => cfn(restApiOf(app)).addPropertyDeletionOverride('BinaryMediaTypes')],
  ])('%s', (title, options, breakIt) => {
    const check = handlerCheck(title);
    const [config] = environmentsFor(options);
    check.run(new CheckTarget(buildApp(config).stack));
    expect(() => check.run(new CheckTarget(buildApp(config, (_stack, app) => breakIt(app)).stack))).toThrow();
  });
});
