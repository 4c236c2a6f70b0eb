import { CfnResource, TagManager } from 'aws-cdk-lib';
import { CheckTarget } from './target';
import { ApigwPrivateDomainApi } from '../constructs/apigw-private-domain-api';
import { InternalAlb } from '../constructs/internal-alb';

/**
 * One managed check of the infrastructure: what the package builds (`PrivateApp` in the team's stack) must keep
 * this property, after the AWS checklist of create-hybrid-serverless. `id` is what `switchedOffChecks` takes.
 */
export interface ManagedCheck {
  readonly id: string;
  /** The test's title (the id is added in brackets). */
  readonly title: (target: CheckTarget) => string;
  /** Whether it checks anything in this environment. @default - always */
  readonly applies?: (target: CheckTarget) => boolean;
  /** Fails (a failed `expect`) when the property does not hold. */
  readonly run: (target: CheckTarget) => void;
}

/** Checks that belong together, shown under one title. */
export interface CheckGroup {
  readonly title: (target: CheckTarget) => string;
  readonly applies?: (target: CheckTarget) => boolean;
  readonly checks: readonly ManagedCheck[];
}

const text = (title: string) => () => title;
const alb = (target: CheckTarget) => target.app.alb as InternalAlb;
/** The sign-in's egress rules of the load balancer's security group. */
const SIGN_IN_EGRESS = 'HTTPS to the identity provider (sign-in)';
/** Its egress rules to the machine callers' key set. */
const MACHINE_EGRESS = 'HTTPS to the JWKS endpoint (machine callers)';
/** Whether a listener rule is the machine callers' (it takes only requests with a bearer token). */
const isMachineRule = (rule: any) => (rule.Properties.Conditions ?? []).some((condition: any) => condition.Field === 'http-header'
  && condition.HttpHeaderConfig?.HttpHeaderName === 'Authorization');

const LOAD_BALANCER: CheckGroup = {
  title: text('the internal load balancer'),
  applies: (t) => t.spec.loadBalancer,
  checks: [
    {
      id: 'alb-internal',
      title: text('is internal, of type application, in the given subnets, dropping invalid headers'),
      run: (t) => {
        expect(t.only('AWS::ElasticLoadBalancingV2::LoadBalancer').Properties).toMatchObject({
          Scheme: 'internal',
          Type: 'application',
          Subnets: t.config.subnetIds,
          LoadBalancerAttributes: expect.arrayContaining([
            { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
            { Key: 'access_logs.s3.enabled', Value: 'true' },
          ]),
        });
      },
    },
    {
      id: 'alb-deletion-protection',
      title: text('is protected from deletion in production'),
      run: (t) => {
        const lb = t.only('AWS::ElasticLoadBalancingV2::LoadBalancer');
        const attribute = lb.Properties.LoadBalancerAttributes.find((a: any) => a.Key === 'deletion_protection.enabled');
        expect(attribute?.Value === 'true').toBe(t.config.production);
      },
    },
    {
      id: 'alb-access-logs',
      title: text('logs to a bucket with SSE-S3, public access blocked, TLS enforced and a lifecycle rule'),
      run: (t) => {
        const lb = t.only('AWS::ElasticLoadBalancingV2::LoadBalancer');
        const bucketRef = lb.Properties.LoadBalancerAttributes.find((a: any) => a.Key === 'access_logs.s3.bucket').Value.Ref;
        expect(bucketRef).toBe(t.idOf(alb(t).logBucket));
        const bucket = t.resources[bucketRef];
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
          .toEqual({ SSEAlgorithm: 'AES256' });
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
        expect(t.only('AWS::S3::BucketPolicy', { Bucket: { Ref: bucketRef } }).Properties.PolicyDocument.Statement)
          .toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      },
    },
    {
      id: 'alb-log-bucket-versioned',
      title: text('keeps overwritten or deleted logs as versions for a while, then expires them'),
      run: (t) => {
        const bucket = t.resources[t.idOf(alb(t).logBucket)].Properties;
        expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        expect(bucket.LifecycleConfiguration.Rules).toContainEqual(expect.objectContaining({
          Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: expect.any(Number) },
        }));
      },
    },
    {
      id: 'alb-https-tls13',
      title: text('listens on 443 with the certificate and a TLS 1.3 policy'),
      run: (t) => {
        const https = t.only('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 });
        expect(https.Properties.Protocol).toBe('HTTPS');
        expect(https.Properties.Certificates).toEqual([{ CertificateArn: t.config.certificateArn }]);
        expect(https.Properties.SslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
      },
    },
    {
      id: 'alb-http-redirect',
      title: text('only redirects port 80 to HTTPS'),
      run: (t) => {
        const http = t.only('AWS::ElasticLoadBalancingV2::Listener', { Port: 80 });
        expect(http.Properties.DefaultActions).toEqual([{
          Type: 'redirect',
          RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
        }]);
      },
    },
    {
      id: 'alb-ingress-corporate-only',
      title: text('admits only the corporate CIDRs, never the internet'),
      run: (t) => {
        const group = t.resources[t.albGroupId()];
        const ingress: any[] = group.Properties.SecurityGroupIngress;
        const sources = ingress.map((rule) => rule.CidrIp ?? rule.CidrIpv6);
        expect(new Set(sources)).toEqual(new Set(t.config.corporateCidrs));
        expect(ingress.map((rule) => rule.FromPort).sort()).toEqual(t.config.corporateCidrs.flatMap(() => [443, 80]).sort());
        for (const resource of Object.values(t.find('AWS::EC2::SecurityGroup'))) {
          for (const rule of resource.Properties.SecurityGroupIngress ?? []) {
            expect([rule.CidrIp, rule.CidrIpv6]).not.toContain('0.0.0.0/0');
            expect([rule.CidrIp, rule.CidrIpv6]).not.toContain('::/0');
          }
        }
        expect(t.find('AWS::EC2::SecurityGroupIngress', { CidrIp: '0.0.0.0/0' })).toEqual({});
        expect(t.find('AWS::EC2::SecurityGroupIngress', { CidrIpv6: '::/0' })).toEqual({});
      },
    },
    {
      id: 'alb-egress-endpoints-only',
      title: (t) => `sends traffic only to the app's own endpoints${t.config.auth ? ' (and the identity provider)' : ''}` +
        `${t.config.auth?.machine ? ' (and the machine callers\' key set)' : ''}, on 443`,
      run: (t) => {
        // CDK writes a group's own rules inline where it can, and separately where it must.
        const rules: any[] = [
          ...t.resources[t.albGroupId()].Properties.SecurityGroupEgress ?? [],
          ...Object.values(t.find('AWS::EC2::SecurityGroupEgress')).map((rule) => rule.Properties),
        ];
        // The sign-in's egress to the identity provider is checked by alb-sign-in-egress, the key set's by alb-machine-callers.
        const signIn = (rule: any) => (t.config.auth !== undefined && rule.Description === SIGN_IN_EGRESS)
          || (t.config.auth?.machine !== undefined && rule.Description === MACHINE_EGRESS);
        for (const rule of rules.filter((egress) => !signIn(egress))) {
          if (rule.IpProtocol === 'icmp') {
            // CDK's placeholder rule when a group may send nothing at all.
            expect(rule).toMatchObject({ CidrIp: '255.255.255.255/32' });
            continue;
          }
          expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
          expect(rule.CidrIp ?? rule.DestinationSecurityGroupId).toBeDefined();
          expect(rule.CidrIp).not.toBe('0.0.0.0/0');
        }
      },
    },
    {
      id: 'alb-host-header',
      title: text('forwards only requests for the app\'s host name; any other name gets 404'),
      run: (t) => {
        expect(t.resources[t.httpsListenerId()].Properties.DefaultActions).toEqual([expect.objectContaining({
          Type: 'fixed-response', FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }),
        })]);
        const rules = t.httpsRules();
        expect(rules.length).toBeGreaterThan(0);
        for (const rule of rules) {
          expect(rule.Properties.Conditions).toContainEqual(expect.objectContaining({
            Field: 'host-header', HostHeaderConfig: { Values: [t.config.domain] },
          }));
        }
      },
    },
  ],
};

const isApiRule = (rule: any) => JSON.stringify(rule.Properties.Conditions).includes('"/api/*"');

const SIGN_IN: CheckGroup = {
  title: text('the sign-in'),
  applies: (t) => t.spec.signIn,
  checks: [
    {
      id: 'alb-sign-in',
      title: (t) => (t.config.auth
        ? 'signs users in before forwarding: /api/* without a session gets 401, pages redirect to the provider'
        : 'forwards without sign-in (auth is off in this environment)'),
      run: (t) => {
        const rules = t.httpsRules();
        expect(rules.length).toBeGreaterThan(0);
        const auth = t.config.auth;
        if (!auth) {
          expect(JSON.stringify(rules)).not.toContain('authenticate-oidc');
          return;
        }
        // An API rule comes first, so that no call under /api/ is ever redirected. The machine callers' rule (bearer
        // tokens only) is checked by alb-machine-callers.
        const ordered = rules.filter((rule) => !(auth.machine && isMachineRule(rule))).sort((a, b) => a.Properties.Priority - b.Properties.Priority);
        expect(isApiRule(ordered[0])).toBe(true);
        for (const rule of ordered) {
          const [authenticate, forward, ...more] = rule.Properties.Actions;
          expect(more).toEqual([]);
          expect(authenticate).toEqual({
            Type: 'authenticate-oidc',
            Order: 1,
            AuthenticateOidcConfig: {
              Issuer: auth.issuer,
              AuthorizationEndpoint: auth.authorizationEndpoint,
              TokenEndpoint: auth.tokenEndpoint,
              UserInfoEndpoint: auth.userInfoEndpoint,
              ClientId: auth.clientId,
              // A dynamic reference: the secret itself is never in the template.
              ClientSecret: `${'{'.repeat(2)}resolve:secretsmanager:${auth.clientSecret}:SecretString:::${'}'.repeat(2)}`,
              Scope: auth.scope,
              SessionTimeout: auth.sessionTimeout,
              OnUnauthenticatedRequest: isApiRule(rule) ? 'deny' : 'authenticate',
            },
          });
          expect(forward).toMatchObject({ Type: 'forward', Order: 2, TargetGroupArn: expect.anything() });
        }
        // The default action (404), the HTTP listener's redirect and the health checks stay without sign-in.
        expect(JSON.stringify(t.resources[t.httpsListenerId()].Properties.DefaultActions)).not.toContain('authenticate');
        expect(JSON.stringify(t.find('AWS::ElasticLoadBalancingV2::Listener', { Port: 80 }))).not.toContain('authenticate');
      },
    },
    {
      id: 'alb-sign-in-egress',
      title: (t) => (t.config.auth
        ? 'may reach the identity provider on 443 only, and only its CIDRs'
        : 'has no egress for a sign-in (auth is off in this environment)'),
      run: (t) => {
        const egress = (t.resources[t.albGroupId()].Properties.SecurityGroupEgress ?? [])
          .filter((rule: any) => rule.Description === SIGN_IN_EGRESS)
          .map((rule: any) => ({ cidr: rule.CidrIp ?? rule.CidrIpv6, protocol: rule.IpProtocol, fromPort: rule.FromPort, toPort: rule.ToPort }));
        expect(egress).toEqual((t.config.auth?.providerCidrs ?? []).map((cidr) => ({ cidr, protocol: 'tcp', fromPort: 443, toPort: 443 })));
      },
    },
    {
      id: 'alb-machine-callers',
      title: (t) => (t.config.auth?.machine
        ? 'verifies machine callers\' bearer tokens on /api/* (issuer, key set, audience and claims) before forwarding, ' +
          'ahead of the sign-in; fetches the key set on 443 only'
        : 'verifies no bearer tokens (auth.machine is off in this environment)'),
      run: (t) => {
        const rules = t.httpsRules();
        const machine = t.config.auth?.machine;
        if (!machine) {
          expect(JSON.stringify(rules)).not.toContain('jwt-validation');
          return;
        }
        const [rule, ...more] = rules.filter((candidate) => JSON.stringify(candidate.Properties.Actions).includes('jwt-validation'));
        expect(more).toEqual([]);
        expect(rule).toBeDefined();
        // Bearer requests to /api/* for the app's host name only: pages and calls without a token keep the sign-in.
        expect(rule.Properties.Conditions).toEqual(expect.arrayContaining([
          expect.objectContaining({ Field: 'host-header', HostHeaderConfig: { Values: [t.config.domain] } }),
          expect.objectContaining({ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }),
          { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Authorization', Values: ['Bearer *'] } },
        ]));
        // It wins over every other rule, for bearer requests only.
        for (const other of rules.filter((candidate) => candidate !== rule)) expect(rule.Properties.Priority).toBeLessThan(other.Properties.Priority);
        const claims = [...(machine.audience ? [{ Format: 'single-string', Name: 'aud', Values: [machine.audience] }] : []),
          ...machine.claims.map((claim) => ({ Format: claim.format, Name: claim.name, Values: claim.values }))];
        expect(claims.length).toBeGreaterThan(0);
        const [verify, forward, ...rest] = rule.Properties.Actions;
        expect(rest).toEqual([]);
        expect(verify).toEqual({
          Type: 'jwt-validation',
          Order: 1,
          JwtValidationConfig: { Issuer: machine.issuer, JwksEndpoint: machine.jwksEndpoint, AdditionalClaims: claims },
        });
        // The same target as the people's calls to the API.
        const apiRule = rules.find((candidate) => candidate !== rule && isApiRule(candidate));
        expect(forward).toEqual({ Type: 'forward', Order: 2, TargetGroupArn: apiRule.Properties.Actions.find((a: any) => a.Type === 'forward').TargetGroupArn });
        // The key set on 443, to its CIDRs (a rule the sign-in holds for the same CIDR serves both).
        const egress = (t.resources[t.albGroupId()].Properties.SecurityGroupEgress ?? [])
          .filter((candidate: any) => [SIGN_IN_EGRESS, MACHINE_EGRESS].includes(candidate.Description));
        for (const cidr of machine.jwksCidrs) {
          expect(egress).toContainEqual(expect.objectContaining({ CidrIp: cidr, IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }));
        }
        for (const candidate of egress.filter((e: any) => e.Description === MACHINE_EGRESS)) expect(machine.jwksCidrs).toContain(candidate.CidrIp);
        // The function checks the token again, against the same provider.
        const variables = t.resources[t.idOf(t.app.handler)].Properties.Environment.Variables;
        expect(variables).toMatchObject({ HYBRID_MACHINE_ISSUER: machine.issuer, HYBRID_MACHINE_JWKS_URL: machine.jwksEndpoint });
        expect(variables.HYBRID_MACHINE_AUDIENCE).toBe(machine.audience);
      },
    },
    {
      id: 'function-sign-in-environment',
      title: (t) => (t.config.auth
        ? 'tells the API function which load balancer signs the identity and where its keys are'
        : 'gives the API function no signer (auth is off in this environment)'),
      run: (t) => {
        const variables = t.resources[t.idOf(t.app.handler)].Properties.Environment.Variables;
        if (!t.config.auth) {
          expect(variables.HYBRID_AUTH_SIGNER).toBeUndefined();
          expect(variables.HYBRID_AUTH_KEYS_URL).toBeUndefined();
          return;
        }
        expect(variables.HYBRID_AUTH_SIGNER).toEqual({ Ref: t.idOf(alb(t).loadBalancer) });
        expect(variables.HYBRID_AUTH_KEYS_URL).toBe(`https://public-keys.auth.elb.${t.config.region}.amazonaws.com`);
      },
    },
  ],
};

const NAME: CheckGroup = {
  title: text('the name'),
  checks: [{
    id: 'dns-alias',
    title: text('has an alias record for the domain in the hosted zone'),
    run: (t) => {
      expect(t.only('AWS::Route53::RecordSet').Properties).toMatchObject({
        Name: `${t.config.domain}.`,
        Type: 'A',
        HostedZoneId: t.config.hostedZoneId,
        AliasTarget: { DNSName: expect.anything() },
      });
    },
  }],
};

const apiFunction = (t: CheckTarget) => t.resources[t.idOf(t.app.handler)];

const API_FUNCTION: CheckGroup = {
  title: text('the API function'),
  checks: [
    {
      id: 'function-runtime',
      title: text('runs on a current Node.js runtime'),
      run: (t) => expect(apiFunction(t).Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/),
    },
    {
      id: 'function-role',
      title: text('has a dedicated role with no managed policies and no wildcard actions'),
      run: (t) => {
        const roleId = apiFunction(t).Properties.Role['Fn::GetAtt'][0];
        expect(t.resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
        const policies = Object.values(t.find('AWS::IAM::Policy', { Roles: [{ Ref: roleId }] }));
        expect(policies.length).toBeGreaterThan(0);
        for (const policy of policies) {
          for (const statement of policy.Properties.PolicyDocument.Statement) {
            expect([statement.Action].flat()).not.toContainEqual(expect.stringMatching(/\*/));
          }
        }
      },
    },
    {
      id: 'function-log-retention',
      title: text('keeps its logs for a limited time'),
      run: (t) => {
        const logGroup = t.resources[apiFunction(t).Properties.LoggingConfig.LogGroup.Ref];
        expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
      },
    },
  ],
};

const LAMBDA_TARGET: CheckGroup = {
  title: text('topology "ALB to Lambda"'),
  applies: (t) => t.spec.lambdaTarget,
  checks: [
    {
      id: 'lambda-target-group',
      title: text('forwards to a Lambda target group with multi-value headers'),
      run: (t) => {
        expect(t.only('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'lambda' }).Properties).toMatchObject({
          Targets: [{ Id: { 'Fn::GetAtt': [t.idOf(t.app.handler), 'Arn'] } }],
          TargetGroupAttributes: expect.arrayContaining([{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]),
        });
      },
    },
    {
      id: 'lambda-invoke-permission',
      title: text('lets the load balancer invoke the function, without a circular SourceArn'),
      run: (t) => {
        const permission = t.only('AWS::Lambda::Permission', { Principal: 'elasticloadbalancing.amazonaws.com' });
        expect(permission.Properties.Action).toBe('lambda:InvokeFunction');
        expect(permission.Properties.SourceArn).toBeUndefined();
      },
    },
  ],
};

/** The `execute-api` endpoint as the API's policies name it: the existing one's id, or a reference to the new one. */
const endpointRef = (t: CheckTarget) => t.config.vpcEndpointId ?? { Ref: t.executeApiEndpointId() };
const createdEndpoint = (t: CheckTarget) => !t.config.vpcEndpointId;
const restApiOf = (t: CheckTarget) => (t.app.api as { restApi: any }).restApi;
const stageId = (t: CheckTarget) => Object.keys(t.find('AWS::ApiGateway::Stage'))[0];

const REST_API: CheckGroup = {
  title: (t) => `topology "${t.spec.menu.title}"`,
  applies: (t) => t.spec.restApi,
  checks: [
    {
      id: 'execute-api-endpoint',
      title: (t) => (t.config.vpcEndpointId ? 'uses the existing execute-api endpoint' : 'creates an execute-api interface endpoint with private DNS off'),
      run: (t) => {
        const endpointId = t.executeApiEndpointId();
        if (t.config.vpcEndpointId) {
          expect(endpointId).toBeUndefined();
          return;
        }
        const endpoint = t.resources[endpointId!];
        expect(endpoint.Properties).toMatchObject({
          VpcEndpointType: 'Interface',
          PrivateDnsEnabled: false,
          SubnetIds: t.config.subnetIds,
          VpcId: t.config.vpcId,
        });
        expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.execute-api');
      },
    },
    // The endpoint's policy and security group are the package's only when it made the endpoint.
    {
      id: 'execute-api-endpoint-policy',
      title: (t) => 'lets through the endpoint nothing until deploy time, then invoking only this app\'s API on its stage' +
        (t.spec.privateDomainName ? ' and its domain name' : ''),
      applies: createdEndpoint,
      run: (t) => {
        const endpointId = t.executeApiEndpointId()!;
        // Its policy in the template, in place before anything else: nothing passes.
        expect(t.resources[endpointId].Properties.PolicyDocument.Statement).toEqual([
          { Effect: 'Deny', Action: '*', Principal: { AWS: '*' }, Resource: '*' },
        ]);
        // The policy a custom resource sets once the API exists, on create and update alike, on delete none.
        const setters = Object.values(t.find('Custom::AWS')).filter((resource) => JSON.stringify(resource).includes('modifyVpcEndpoint'));
        expect(setters).toHaveLength(1);
        const { Create, Update, Delete } = setters[0].Properties;
        expect(Update).toEqual(Create);
        expect(Delete).toBeUndefined();
        const call = JSON.parse(t.withPlaceholders(Create));
        expect(call).toMatchObject({ service: 'EC2', action: 'modifyVpcEndpoint' });
        expect(call.parameters.VpcEndpointId).toBe(`\${${endpointId}}`);
        const partition = t.withPlaceholders(t.stack.resolve(t.stack.partition));
        const arn = (resource: string) => `arn:${partition}:execute-api:${t.config.region}:${t.config.account}:${resource}`;
        const restApiId = t.idOf(restApiOf(t));
        const statements = JSON.parse(call.parameters.PolicyDocument).Statement;
        expect(statements).toHaveLength(1);
        const domainName = t.spec.privateDomainName ? (t.app.api as ApigwPrivateDomainApi).domainName : undefined;
        expect({ ...statements[0], Resource: [statements[0].Resource].flat() }).toEqual({
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Principal: { AWS: '*' },
          Resource: [
            arn(`\${${restApiId}}/\${${stageId(t)}}/*`),
            ...(domainName ? [arn(`/domainnames/${t.config.domain}+\${${t.stack.getLogicalId(domainName)}.DomainNameId}`)] : []),
          ],
        });
        // The custom resource may change this endpoint only.
        const grants = Object.values(t.find('AWS::IAM::Policy'))
          .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
          .filter((statement: any) => JSON.stringify(statement.Action).includes('ec2:ModifyVpcEndpoint'));
        expect(grants.map((statement: any) => [statement.Action, t.withPlaceholders(statement.Resource)])).toEqual([
          ['ec2:ModifyVpcEndpoint', `arn:${partition}:ec2:${t.config.region}:${t.config.account}:vpc-endpoint/\${${endpointId}}`],
        ]);
      },
    },
    {
      id: 'execute-api-endpoint-access',
      title: text('lets only the load balancer reach the endpoint, and the load balancer only the endpoint, on 443'),
      applies: (t) => createdEndpoint(t) && t.spec.loadBalancer,
      run: (t) => {
        const albGroupId = t.idOf(alb(t).securityGroup);
        const endpointGroupId = t.resources[t.executeApiEndpointId()!].Properties.SecurityGroupIds[0]['Fn::GetAtt'][0];
        expect(t.resources[endpointGroupId].Properties.SecurityGroupIngress).toBeUndefined();
        const rules = (type: string) => Object.values(t.find(type)).map((rule) => rule.Properties);
        expect(rules('AWS::EC2::SecurityGroupIngress').filter((rule) => rule.GroupId['Fn::GetAtt'][0] === endpointGroupId))
          .toEqual([expect.objectContaining({
            SourceSecurityGroupId: { 'Fn::GetAtt': [albGroupId, 'GroupId'] },
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
          })]);
        expect(rules('AWS::EC2::SecurityGroupEgress').filter((rule) => rule.DestinationSecurityGroupId['Fn::GetAtt'][0] === endpointGroupId))
          .toEqual([expect.objectContaining({
            GroupId: { 'Fn::GetAtt': [albGroupId, 'GroupId'] },
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
          })]);
      },
    },
    {
      id: 'execute-api-endpoint-corporate-only',
      title: text('admits only the corporate CIDRs, on 443, and sends nothing'),
      applies: (t) => createdEndpoint(t) && !t.spec.loadBalancer,
      run: (t) => {
        const groupId = t.resources[t.executeApiEndpointId()!].Properties.SecurityGroupIds[0]['Fn::GetAtt'][0];
        const group = t.resources[groupId].Properties;
        expect(new Set(group.SecurityGroupIngress.map((rule: any) => rule.CidrIp ?? rule.CidrIpv6))).toEqual(new Set(t.config.corporateCidrs));
        for (const rule of group.SecurityGroupIngress) expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
        for (const rule of group.SecurityGroupEgress ?? []) expect(rule).toMatchObject({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' });
        for (const type of ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress']) {
          expect(JSON.stringify(t.find(type))).not.toMatch(/0\.0\.0\.0\/0|"::\/0"/);
        }
      },
    },
    {
      id: 'private-rest-api',
      title: text('is a PRIVATE REST API bound to the endpoint, denying calls from anywhere else'),
      run: (t) => {
        const api = t.only('AWS::ApiGateway::RestApi');
        const ref = endpointRef(t);
        expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: [ref] });
        const statements = api.Properties.Policy.Statement;
        expect(statements).toContainEqual(expect.objectContaining({
          Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'execute-api:/*',
        }));
        expect(statements).toContainEqual(expect.objectContaining({
          Effect: 'Deny',
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
          Condition: { StringNotEquals: { 'aws:SourceVpce': ref } },
        }));
        // aws:SourceVpce takes a vpce- id: pairing it with the VPC id would never match.
        expect(JSON.stringify(statements)).not.toContain(t.config.vpcId);
      },
    },
    {
      id: 'stage-logs-tracing',
      title: text('logs access and execution, traces and throttles'),
      run: (t) => {
        const stage = t.only('AWS::ApiGateway::Stage');
        expect(stage.Properties.AccessLogSetting.DestinationArn).toBeDefined();
        expect(stage.Properties.TracingEnabled).toBe(true);
        expect(stage.Properties.MethodSettings).toContainEqual(expect.objectContaining({
          LoggingLevel: 'INFO', DataTraceEnabled: false, ThrottlingRateLimit: expect.any(Number),
        }));
      },
    },
    {
      id: 'no-api-gateway-account',
      title: text('leaves the account-wide API Gateway settings (its CloudWatch role) to the account'),
      run: (t) => {
        // One per account and region: an app's would overwrite another team's, and its removal break their logging.
        expect(t.find('AWS::ApiGateway::Account')).toEqual({});
      },
    },
    {
      id: 'proxy-methods',
      title: text('proxies every path to the handler, validating requests'),
      run: (t) => {
        const root = { 'Fn::GetAtt': [t.idOf(restApiOf(t)), 'RootResourceId'] };
        const [proxyId] = Object.keys(t.find('AWS::ApiGateway::Resource', { PathPart: '{proxy+}', ParentId: root }));
        expect(proxyId).toBeDefined();
        // The root and `{proxy+}` methods the package made; methods the team adds are theirs.
        const methods = Object.values(t.find('AWS::ApiGateway::Method')).filter((method) =>
          [JSON.stringify(root), JSON.stringify({ Ref: proxyId })].includes(JSON.stringify(method.Properties.ResourceId)));
        expect(methods).toHaveLength(2);
        for (const method of methods) {
          expect(method.Properties.HttpMethod).toBe('ANY');
          expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
          expect(t.resources[method.Properties.RequestValidatorId.Ref].Properties).toMatchObject({
            ValidateRequestBody: true, ValidateRequestParameters: true,
          });
        }
      },
    },
    {
      id: 'custom-domain',
      title: text('has a regional custom domain for the same host name, mapped to the stage'),
      applies: (t) => t.spec.endpointTargets,
      run: (t) => {
        expect(t.only('AWS::ApiGateway::DomainName').Properties).toMatchObject({
          DomainName: t.config.domain,
          EndpointConfiguration: { Types: ['REGIONAL'] },
          SecurityPolicy: 'TLS_1_2',
          RegionalCertificateArn: t.config.certificateArn,
        });
        expect(t.only('AWS::ApiGateway::BasePathMapping').Properties.Stage).toEqual({ Ref: stageId(t) });
      },
    },
    {
      id: 'endpoint-ip-targets',
      title: text('forwards to the endpoint\'s private IPs over HTTPS, one per subnet, looked up at deploy time'),
      applies: (t) => t.spec.endpointTargets,
      run: (t) => {
        const group = t.only('AWS::ElasticLoadBalancingV2::TargetGroup', { Matcher: { HttpCode: '200-499' } });
        expect(group.Properties).toMatchObject({
          TargetType: 'ip',
          Protocol: 'HTTPS',
          Port: 443,
          HealthCheckProtocol: 'HTTPS',
          HealthCheckPath: '/',
          Matcher: { HttpCode: '200-499' },
        });
        expect(group.Properties.Targets).toHaveLength(t.config.subnetIds.length);
        const lookups = t.find('Custom::AWS');
        const lookupId = Object.keys(lookups).find((id) => JSON.stringify(lookups[id]).includes('describeNetworkInterfaces'));
        expect(lookupId).toBeDefined();
        group.Properties.Targets.forEach((target: any, i: number) => {
          expect(target).toEqual({ Id: { 'Fn::GetAtt': [lookupId, `NetworkInterfaces.${i}.PrivateIpAddress`] } });
        });
      },
    },
    {
      id: 'private-domain-name',
      title: text('has a PRIVATE custom domain name with the certificate, invoked only through the endpoint'),
      applies: (t) => t.spec.privateDomainName,
      run: (t) => {
        const domain = t.only('AWS::ApiGateway::DomainNameV2').Properties;
        expect(domain).toMatchObject({
          DomainName: t.config.domain,
          CertificateArn: t.config.certificateArn,
          EndpointConfiguration: { Types: ['PRIVATE'] },
          SecurityPolicy: 'TLS_1_2',
        });
        expect(domain.Policy.Statement).toEqual([
          expect.objectContaining({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { StringNotEquals: { 'aws:SourceVpce': endpointRef(t) } },
          }),
        ]);
      },
    },
    {
      id: 'private-domain-mapping',
      title: text('maps the domain to the stage and associates it with the endpoint'),
      applies: (t) => t.spec.privateDomainName,
      run: (t) => {
        const domainId = t.stack.getLogicalId((t.app.api as ApigwPrivateDomainApi).domainName);
        const domainArn = { 'Fn::GetAtt': [domainId, 'DomainNameArn'] };
        expect(t.only('AWS::ApiGateway::BasePathMappingV2').Properties).toEqual({
          DomainNameArn: domainArn,
          RestApiId: { Ref: t.idOf(restApiOf(t)) },
          Stage: { Ref: stageId(t) },
        });
        expect(t.only('AWS::ApiGateway::DomainNameAccessAssociation').Properties).toEqual({
          AccessAssociationSource: endpointRef(t),
          AccessAssociationSourceType: 'VPCE',
          DomainNameArn: domainArn,
        });
      },
    },
    {
      id: 'private-domain-alias',
      title: text('resolves the domain to the endpoint\'s regional DNS name'),
      applies: (t) => t.spec.privateDomainName,
      run: (t) => {
        const alias = t.only('AWS::Route53::RecordSet').Properties.AliasTarget;
        if (t.config.vpcEndpointId) {
          expect(JSON.stringify(alias)).toContain('VpcEndpoints.0.DnsEntries.0.DnsName');
          expect(JSON.stringify(alias)).toContain('VpcEndpoints.0.DnsEntries.0.HostedZoneId');
          return;
        }
        const entry = { 'Fn::Select': [0, { 'Fn::GetAtt': [t.executeApiEndpointId(), 'DnsEntries'] }] };
        expect(alias).toEqual({
          DNSName: { 'Fn::Select': [1, { 'Fn::Split': [':', entry] }] },
          HostedZoneId: { 'Fn::Select': [0, { 'Fn::Split': [':', entry] }] },
        });
      },
    },
    {
      id: 'no-load-balancer',
      title: text('has no load balancer'),
      applies: (t) => !t.spec.loadBalancer,
      run: (t) => {
        expect(Object.keys(t.resources).filter((id) => t.ours.has(id) &&
          t.resources[id].Type.startsWith('AWS::ElasticLoadBalancingV2::'))).toEqual([]);
      },
    },
  ],
};

const frontendOf = (t: CheckTarget) => t.app.frontend!;
const s3EndpointId = (t: CheckTarget) => Object.keys(t.find('AWS::EC2::VPCEndpoint'))
  .find((id) => JSON.stringify(t.resources[id].Properties.ServiceName).includes('.s3'))!;
/** The listener rule's url-rewrite: paths without a file extension get index.html. */
const PAGE_PATH = '^/[^.]*$';

const FRONTEND: CheckGroup = {
  title: text('the frontend'),
  applies: (t) => t.config.frontend,
  checks: [
    {
      id: 'frontend-bucket',
      title: text('lives in a private, encrypted, TLS-only, logged bucket'),
      run: (t) => {
        const bucketId = t.idOf(frontendOf(t).bucket);
        const bucket = t.resources[bucketId].Properties;
        expect(bucket.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        });
        expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toHaveLength(1);
        expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: t.idOf(alb(t).logBucket) });
        const policy = t.only('AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
          Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }));
      },
    },
    {
      id: 'frontend-bucket-endpoint-only',
      title: text('can be read only through the app\'s S3 interface endpoint, which has private DNS off'),
      run: (t) => {
        expect(t.resources[s3EndpointId(t)].Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: false });
        const policy = t.only('AWS::S3::BucketPolicy', { Bucket: { Ref: t.idOf(frontendOf(t).bucket) } });
        const reads = policy.Properties.PolicyDocument.Statement.filter((statement: any) => statement.Effect === 'Allow');
        expect(reads).toEqual([expect.objectContaining({
          Action: 's3:GetObject',
          Principal: { AWS: '*' },
          Condition: { StringEquals: { 'aws:SourceVpce': { Ref: s3EndpointId(t) } } },
        })]);
      },
    },
    {
      id: 'frontend-endpoint-policy',
      title: text('lets through the S3 endpoint only reading the app\'s bucket'),
      run: (t) => {
        expect(t.resources[s3EndpointId(t)].Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [t.idOf(frontendOf(t).bucket), 'Arn'] }, '/*']] },
        })]);
      },
    },
    {
      id: 'frontend-deployment',
      title: text('is deployed from the built app'),
      run: (t) => {
        const deployment = t.only('Custom::CDKBucketDeployment');
        expect(deployment.Properties.DestinationBucketName).toEqual({ Ref: t.idOf(frontendOf(t).bucket) });
        expect(deployment.Properties.Prune).toBe(true);
      },
    },
    {
      id: 'frontend-listener-rules',
      title: text('is served under the same host name: /api/* to the API first, every other path to S3'),
      run: (t) => {
        const bucketId = t.idOf(frontendOf(t).bucket);
        const rules = Object.values(t.find('AWS::ElasticLoadBalancingV2::ListenerRule'));
        const api = rules.find((rule) => JSON.stringify(rule.Properties.Conditions).includes('/api/*'));
        const app = rules.find((rule) => JSON.stringify(rule.Properties.Conditions).includes('"/*"'));
        expect(api.Properties.Priority).toBeLessThan(app.Properties.Priority);
        const appGroup = t.resources[app.Properties.Actions.find((action: any) => action.Type === 'forward').TargetGroupArn.Ref].Properties;
        expect(appGroup).toMatchObject({
          TargetType: 'ip',
          Protocol: 'HTTPS',
          Port: 443,
          Matcher: { HttpCode: '200,307,403,405' },
        });
        expect(appGroup.Targets).toHaveLength(t.config.subnetIds.length);
        // S3 finds the bucket by the Host header; deep links (no file extension) get index.html.
        expect(app.Properties.Transforms).toEqual([
          {
            Type: 'host-header-rewrite',
            HostHeaderRewriteConfig: { Rewrites: [{ Regex: '.*', Replace: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] } }] },
          },
          { Type: 'url-rewrite', UrlRewriteConfig: { Rewrites: [{ Regex: PAGE_PATH, Replace: '/index.html' }] } },
        ]);
        for (const route of ['/', '/orders/42', '/settings/']) expect(new RegExp(PAGE_PATH).test(route)).toBe(true);
        for (const asset of ['/main.js', '/style.css', '/favicon.ico']) expect(new RegExp(PAGE_PATH).test(asset)).toBe(false);
      },
    },
  ],
};

const NO_FRONTEND: CheckGroup = {
  title: text('without a frontend'),
  applies: (t) => !t.config.frontend,
  checks: [{
    id: 'no-frontend-resources',
    title: text('has no app bucket, no S3 endpoint and no deployment'),
    run: (t) => {
      expect(Object.keys(t.find('AWS::S3::Bucket'))).toEqual(t.spec.loadBalancer ? [t.idOf(alb(t).logBucket)] : []);
      expect(t.find('Custom::CDKBucketDeployment')).toEqual({});
      expect(JSON.stringify(t.find('AWS::EC2::VPCEndpoint'))).not.toContain('.s3');
    },
  }],
};

/** The CloudFormation resources of the whole stack (the team's included) that CDK can tag, with their tags. */
function taggable(t: CheckTarget): Array<{ readonly path: string; readonly tags: Record<string, string> }> {
  return t.stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c))
    .map((resource) => {
      const property = TagManager.of(resource)!.tagPropertyName; // `tags`, as the L1 has it: `Tags` in the template
      const rendered = t.resources[t.stack.getLogicalId(resource)]?.Properties?.[property[0].toUpperCase() + property.slice(1)];
      // A list of { Key, Value } for most types, a map for some (AWS::SSM::Parameter, …).
      const tags: Record<string, string> = Array.isArray(rendered)
        ? Object.fromEntries(rendered.map((tag: { Key: string; Value: string }) => [tag.Key, tag.Value]))
        : { ...rendered };
      return { path: resource.node.path, tags };
    });
}

const NETWORK: CheckGroup = {
  title: text('the security groups'),
  checks: [{
    id: 'security-groups-no-default-egress',
    title: text('send only where their rules say: none keeps EC2\'s default egress to anywhere'),
    run: (t) => {
      // EC2 gives a group without inline egress rules its default rule, all traffic to anywhere; rules to other
      // groups are resources of their own (AWS::EC2::SecurityGroupEgress) and do not take it away.
      const groups = Object.entries(t.find('AWS::EC2::SecurityGroup'));
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.filter(([, group]) => !(group.Properties.SecurityGroupEgress?.length > 0)).map(([id]) => id)).toEqual([]);
    },
  }],
};

const LANDING_ZONE: CheckGroup = {
  title: text('the landing zone\'s requirements'),
  checks: [
    {
      id: 'permissions-boundary',
      title: (t) => `puts the permissions boundary ${t.config.permissionsBoundary} on every IAM role of the stack`,
      applies: (t) => t.config.permissionsBoundary !== undefined,
      run: (t) => {
        const name = t.config.permissionsBoundary!.split('/').pop()!;
        // Every role of the stack, the team's and aws-cdk-lib's own included: the landing zone refuses any without it.
        const roles = Object.entries(t.template.findResources('AWS::IAM::Role'));
        expect(roles.length).toBeGreaterThan(0);
        const without = roles.filter(([, role]) => !JSON.stringify(role.Properties?.PermissionsBoundary ?? '').includes(`:policy/${name}`))
          .map(([id]) => id);
        expect(without).toEqual([]);
      },
    },
    {
      id: 'required-tags',
      title: (t) => `tags every taggable resource of the stack with ${Object.keys(t.config.tags ?? {}).join(', ')}`,
      applies: (t) => Object.keys(t.config.tags ?? {}).length > 0,
      run: (t) => {
        const required = t.config.tags!;
        const resources = taggable(t);
        expect(resources.length).toBeGreaterThan(0);
        const untagged = resources.filter(({ tags }) => Object.entries(required).some(([key, value]) => tags[key] !== value))
          .map(({ path, tags }) => `${path} (${JSON.stringify(tags)})`);
        expect(untagged).toEqual([]);
      },
    },
  ],
};

/** The managed checks of one environment's infrastructure, in the order they run. */
export const INFRASTRUCTURE_CHECKS: readonly CheckGroup[] = [
  LOAD_BALANCER, SIGN_IN, NAME, API_FUNCTION, LAMBDA_TARGET, REST_API, FRONTEND, NO_FRONTEND, NETWORK, LANDING_ZONE,
];
