import { CheckTarget } from './target';

/** One check of the API function as the package builds it (no id: they cannot be switched off). */
export interface HandlerCheck {
  readonly group: string;
  readonly title: (target: CheckTarget) => string;
  readonly applies?: (target: CheckTarget) => boolean;
  readonly run: (target: CheckTarget) => void;
}

const fnOf = (t: CheckTarget) => t.resources[t.idOf(t.app.handler)].Properties;
/** The statements of the policies of the function's role. */
const statementsOf = (t: CheckTarget): any[] => {
  const roleId: string = fnOf(t).Role['Fn::GetAtt'][0];
  return (Object.values(t.template.findResources('AWS::IAM::Policy')) as any[])
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};
const inVpc = (t: CheckTarget) => t.config.handlerDestinations.length > 0;
const text = (title: string) => () => title;

/**
 * The API function as the package builds it: traced, observable, least privilege, in the VPC when configured. Every
 * check reads only the package's own resources, found from the function.
 */
export const HANDLER_CHECKS: readonly HandlerCheck[] = [
  {
    group: 'the API function',
    title: text('is traced by X-Ray and configured for Powertools'),
    run: (t) => {
      const fn = fnOf(t);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.any(String),
        POWERTOOLS_METRICS_NAMESPACE: t.config.domain,
        POWERTOOLS_LOG_LEVEL: expect.stringMatching(/^(DEBUG|INFO|WARN|ERROR)$/),
      });
    },
  },
  {
    group: 'the API function',
    title: (t) => (t.config.reservedConcurrency ? 'reserves the configured concurrency' : 'reserves no concurrency (none configured)'),
    run: (t) => expect(fnOf(t).ReservedConcurrentExecutions).toBe(t.config.reservedConcurrency),
  },
  {
    group: 'the API function',
    title: text('runs in the app\'s subnets with its own security group, sending only to the on-premises destinations'),
    applies: inVpc,
    run: (t) => {
      const fn = fnOf(t);
      const groupId = t.idOf(t.app.handlerSecurityGroup!);
      expect(fn.VpcConfig.SubnetIds).toEqual(t.config.subnetIds);
      expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
      const group = t.resources[groupId].Properties;
      expect(group.SecurityGroupIngress).toBeUndefined();
      const egress = group.SecurityGroupEgress.map((rule: any) => ({
        cidr: rule.CidrIp ?? rule.CidrIpv6, fromPort: rule.FromPort, toPort: rule.ToPort, protocol: rule.IpProtocol,
      }));
      // With sign-in, also HTTPS to the load balancer's public keys (a public AWS endpoint, through the NAT).
      const keys = t.config.auth ? [{ cidr: '0.0.0.0/0', fromPort: 443, toPort: 443, protocol: 'tcp' }] : [];
      expect(egress).toEqual([...t.config.handlerDestinations.map((destination) => ({ ...destination, protocol: 'tcp' })), ...keys]);
    },
  },
  {
    group: 'the API function',
    title: text('may manage its network interfaces, creating them only in the app\'s subnets and group'),
    applies: inVpc,
    run: (t) => {
      const statements = statementsOf(t);
      const create = statements.find((statement) => statement.Action === 'ec2:CreateNetworkInterface');
      const resourcesOf = JSON.stringify(create.Resource);
      for (const subnetId of t.config.subnetIds) expect(resourcesOf).toContain(`:subnet/${subnetId}`);
      expect(resourcesOf).toContain(':security-group/');
      expect(resourcesOf).not.toContain('"*"');
      const actions = statements.flatMap((statement) => [statement.Action].flat());
      expect(actions).toEqual(expect.arrayContaining([
        'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ]));
    },
  },
  {
    group: 'the API function',
    title: text('runs outside the VPC (no on-premises destinations configured)'),
    applies: (t) => !inVpc(t),
    run: (t) => expect(fnOf(t).VpcConfig).toBeUndefined(),
  },
  {
    group: 'the API function',
    title: text('has only the wildcard resources that AWS requires'),
    run: (t) => {
      const wildcards = statementsOf(t).filter((statement) => [statement.Resource].flat().includes('*'));
      const actions = wildcards.flatMap((statement) => [statement.Action].flat()).sort();
      expect(actions).toEqual([
        ...(inVpc(t) ? ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'] : []),
        'xray:PutTelemetryRecords', 'xray:PutTraceSegments',
      ]);
    },
  },
  {
    group: 'the load balancer\'s invoke permission',
    title: text('is for load balancers of this account only'),
    applies: (t) => t.spec.lambdaTarget,
    run: (t) => {
      const functionId = t.idOf(t.app.handler);
      const permissions = (Object.values(t.template.findResources('AWS::Lambda::Permission')) as any[])
        .filter((permission) => JSON.stringify(permission.Properties.FunctionName).includes(functionId))
        .map((permission) => permission.Properties);
      expect(permissions).toContainEqual(expect.objectContaining({
        Principal: 'elasticloadbalancing.amazonaws.com',
        SourceAccount: t.config.account,
      }));
    },
  },
  {
    group: 'the REST API',
    title: text('treats every media type as binary, so binary responses arrive as bytes'),
    applies: (t) => t.spec.restApi,
    run: (t) => {
      const restApi = (t.app.api as { restApi: any }).restApi;
      expect(t.resources[t.idOf(restApi)].Properties.BinaryMediaTypes).toEqual(['*/*']);
    },
  },
  {
    group: 'the REST API',
    title: text('traces the stage with X-Ray'),
    applies: (t) => t.spec.restApi,
    run: (t) => {
      const restApi = (t.app.api as { restApi: any }).restApi;
      expect(t.resources[t.idOf(restApi.deploymentStage)].Properties.TracingEnabled).toBe(true);
    },
  },
];
