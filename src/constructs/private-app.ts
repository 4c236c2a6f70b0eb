import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgePackRules } from './acknowledge';
import { AlbLambdaApi } from './alb-lambda-api';
import { ApigwPrivateDomainApi } from './apigw-private-domain-api';
import { ApigwVpceApi } from './apigw-vpce-api';
import { HybridConfig, MachineAuth, TopologyName } from './config';
import { Frontend } from './frontend';
import { InternalAlb } from './internal-alb';
import { CorporateNetwork, peerOf, sendOnlyAsRuled } from './network';
import { Topology } from '../options';
import { TOPOLOGIES } from '../topologies';

/**
 * What `PrivateApp` builds for each topology: the construct that wires it (`api`, named by the topology's spec in
 * src/topologies.ts) and its load balancer, if it has one. Keyed by every `Topology`: `API_CONSTRUCTS` below does not
 * compile while one is missing.
 */
export interface TopologyConstructs {
  readonly 'alb-lambda': { readonly api: AlbLambdaApi; readonly alb: InternalAlb };
  readonly 'apigw-vpce': { readonly api: ApigwVpceApi; readonly alb: InternalAlb };
  readonly 'apigw-private-domain': { readonly api: ApigwPrivateDomainApi; readonly alb: undefined };
}

/** What a topology's construct is built from. */
export interface TopologyWiring {
  readonly config: HybridConfig;
  readonly network: CorporateNetwork;
  /** The load balancer, in the topologies that have one. */
  readonly alb?: InternalAlb;
  readonly handler: lambda.IFunction;
}

/** Builds each topology's construct from the app's settings. */
export const API_CONSTRUCTS: { readonly [T in TopologyName]: (scope: Construct, id: string, wiring: TopologyWiring) => TopologyConstructs[T]['api'] } = {
  [Topology.ALB_LAMBDA]: (scope, id, { handler }) => new AlbLambdaApi(scope, id, { handler }),
  [Topology.APIGW_VPCE]: (scope, id, { config, network, alb, handler }) => new ApigwVpceApi(scope, id, {
    network, alb: alb!, handler, domain: config.domain, certificateArn: config.certificateArn, existingEndpointId: config.vpcEndpointId,
  }),
  [Topology.APIGW_PRIVATE_DOMAIN]: (scope, id, { config, network, handler }) => new ApigwPrivateDomainApi(scope, id, {
    network,
    handler,
    domain: config.domain,
    hostedZoneId: config.hostedZoneId,
    certificateArn: config.certificateArn,
    existingEndpointId: config.vpcEndpointId,
  }),
};

/** Makes the API function: the generated repo's is projen's `ApiFunction`, bundled from `src/api/api.lambda.ts`. */
export type HandlerFactory = (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;

export interface PrivateAppProps<T extends TopologyName = TopologyName> {
  /** The settings of the environment to build (one of `src/hybrid/config.ts`'s `environments`). */
  readonly config: HybridConfig<T>;
  /** Makes the function behind `/api/`; `PrivateApp` gives it its role, log group, network and environment. */
  readonly newHandler: HandlerFactory;
  /** The built single-page app to deploy, when `config.frontend` is on. */
  readonly frontendDist?: string;
  /**
   * Extra properties for the API function (memory, environment, …).
   * @default - 256 MB, 10 seconds
   */
  readonly handlerProps?: lambda.FunctionOptions;
}

const PRIVATE_APP = Symbol.for('create-hybrid-serverless.PrivateApp');

/**
 * The whole private path for the chosen topology, reachable only from the corporate network under
 * `config.domain`: the network, the internal load balancer (where the topology has one), the API
 * function, the topology's construct and, with `config.frontend`, the single-page app. What each
 * topology has is its spec's (src/topologies.ts), chosen when the app is built.
 */
export class PrivateApp<T extends TopologyName = TopologyName> extends Construct {
  /** Whether `x` is a `PrivateApp` (of any copy of this package). */
  public static isPrivateApp(x: unknown): x is PrivateApp {
    return typeof x === 'object' && x !== null && PRIVATE_APP in x;
  }

  /** The settings it was built with. */
  public readonly config: HybridConfig<T>;
  public readonly network: CorporateNetwork;
  /** The internal load balancer, in the topologies that have one. */
  public readonly alb: TopologyConstructs[T]['alb'];
  /** The function behind `/api/`, built from `src/api/api.lambda.ts`. */
  public readonly handler: lambda.Function;
  /** The construct that wires the topology (`AlbLambdaApi`, `ApigwVpceApi`, …). */
  public readonly api: TopologyConstructs[T]['api'];
  /** With `handlerDestinations`: the API function's security group, which may send only there. */
  public readonly handlerSecurityGroup?: ec2.SecurityGroup;
  /** With `config.frontend`: the single-page app under the same host name. */
  public readonly frontend?: Frontend;

  constructor(scope: Construct, id: string, props: PrivateAppProps<T>) {
    super(scope, id);
    Object.defineProperty(this, PRIVATE_APP, { value: true });
    // The feature flags these constructs rely on, set here (before any child) rather than only in
    // cdk.json, so that a plain `new App()` in a test builds the same thing. Access logs are
    // delivered through the bucket policy, not ACLs (which the log bucket does not allow).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const config = props.config;
    const spec = TOPOLOGIES[config.topology as Topology];
    if (!spec) throw new Error(`Unknown topology "${config.topology}"; there are ${Object.keys(TOPOLOGIES).join(', ')}.`);
    if (config.frontend && !spec.frontend) throw new Error(`The topology "${config.topology}" serves no frontend.`);
    if (config.frontend && !props.frontendDist) throw new Error('config.frontend is on: frontendDist must name the built app.');
    this.config = config;
    this.network = new CorporateNetwork(this, 'Network', config);
    const alb = spec.loadBalancer ? new InternalAlb(this, 'Alb', {
      network: this.network,
      domain: config.domain,
      hostedZoneId: config.hostedZoneId,
      certificateArn: config.certificateArn,
      signIn: config.auth,
      deletionProtection: config.production,
    }) : undefined;
    this.alb = alb as TopologyConstructs[T]['alb'];

    // A dedicated role that may write to its own log group and nothing else: no managed
    // policy, no wildcard. Grant more in your stack, e.g. `table.grantReadData(app.handler)`.
    const logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the API of ${config.domain}`,
    });
    logGroup.grantWrite(role);
    const networkAccess = config.handlerDestinations.length > 0 ? this.handlerNetworkAccess(config, role) : undefined;
    this.handlerSecurityGroup = networkAccess?.securityGroup;
    this.handler = props.newHandler(this, 'Handler', {
      memorySize: 256,
      timeout: Duration.seconds(10),
      // Structured logs and metrics (src/hybrid/observability.ts); traces by X-Ray.
      tracing: lambda.Tracing.ACTIVE,
      ...(config.reservedConcurrency ? { reservedConcurrentExecutions: config.reservedConcurrency } : {}),
      ...props.handlerProps,
      environment: {
        POWERTOOLS_SERVICE_NAME: Stack.of(this).stackName,
        POWERTOOLS_METRICS_NAMESPACE: config.domain,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // What src/hybrid/auth.ts verifies the signed identity against: this load balancer, its region's keys.
        ...(config.auth && alb ? {
          HYBRID_AUTH_SIGNER: alb.loadBalancer.loadBalancerArn,
          HYBRID_AUTH_KEYS_URL: `https://public-keys.auth.elb.${config.region}.amazonaws.com`,
        } : {}),
        // What it verifies a machine caller's bearer token against again (src/hybrid/auth.ts).
        ...(config.auth?.machine && alb ? machineEnvironment(config.auth.machine) : {}),
        ...props.handlerProps?.environment,
      },
      ...(networkAccess ? {
        vpc: this.network.vpc,
        vpcSubnets: { subnets: this.network.subnets },
        securityGroups: [networkAccess.securityGroup],
      } : {}),
      role,
      logGroup,
    });
    // Lambda checks the network interface permissions when it creates the function.
    if (networkAccess) this.handler.node.addDependency(networkAccess.policy);
    Validations.of(this.handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'The runtime is set by projen in .projenrc.ts (nodejs24.x, the newest Node.js runtime); ' +
        'cdk-nag compares with its own list, which lags new runtimes.',
    });
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource-level permissions.',
    });

    const build = API_CONSTRUCTS[config.topology] as (scope: Construct, id: string, wiring: TopologyWiring) => TopologyConstructs[T]['api'];
    this.api = build(this, 'Api', { config, network: this.network, alb, handler: this.handler });
    if (alb) this.frontend = this.addListenerRules(alb, (this.api as { targetGroup: elbv2.IApplicationTargetGroup }).targetGroup, props);
    this.acknowledgePackFindings(logGroup, [role.node.findChild('DefaultPolicy'), ...networkAccess ? [networkAccess.policy] : []]);
  }

  /**
   * What the extra cdk-nag packs (`nagPacks`) find on these constructs and `PACK_ACKNOWLEDGEMENTS` lists, each on the
   * resource it is about; the deploy-time lookups and aws-cdk-lib's functions acknowledge theirs where they are made.
   */
  private acknowledgePackFindings(logGroup: logs.LogGroup, policies: IConstruct[]): void {
    const { config, alb, frontend } = this;
    // On the CloudFormation resource of each: nothing a team adds under the construct shares them.
    const resources = (...constructs: IConstruct[]) => constructs.map((construct) => construct.node.defaultChild!);
    acknowledgePackRules('api-function', resources(this.handler), config);
    acknowledgePackRules('api-function-logs', resources(logGroup), config);
    acknowledgePackRules('api-function-policies', resources(...policies), config);
    if (alb) {
      acknowledgePackRules('load-balancer', resources(alb.loadBalancer), config);
      acknowledgePackRules('http-listener', resources(alb.loadBalancer.node.findChild('Http')), config);
      acknowledgePackRules('log-bucket', resources(alb.logBucket), config);
    }
    if (frontend) acknowledgePackRules('frontend-bucket', resources(frontend.bucket), config);
    const api: Construct = this.api;
    if (api instanceof ApigwVpceApi || api instanceof ApigwPrivateDomainApi) {
      acknowledgePackRules('rest-api-stage', resources(api.restApi.deploymentStage), config);
      acknowledgePackRules('rest-api-logs', resources(api.node.findChild('AccessLogs')), config);
    }
  }

  /**
   * The HTTPS listener's rules: only requests for the app's host name are forwarded (any other name gets 404), `/api/*`
   * to the API and, with a frontend, every other path to the app (one host name, no CORS). With sign-in, calls under
   * `/api/*` get 401 without a session, pages sign in.
   */
  private addListenerRules(alb: InternalAlb, targetGroup: elbv2.IApplicationTargetGroup, props: PrivateAppProps<T>): Frontend | undefined {
    const { config } = props;
    const host = elbv2.ListenerCondition.hostHeaders([config.domain]);
    const api = elbv2.ListenerCondition.pathPatterns(['/api/*']);
    let frontend: Frontend | undefined;
    // Machine callers first: only requests with a bearer token take this rule; the others sign in as people.
    if (config.auth?.machine) alb.forwardMachineCallers('MachineCalls', targetGroup, { priority: 5, conditions: [host, api] });
    if (config.frontend) {
      alb.httpsListener.addAction('Api', { action: alb.forward(targetGroup, 'api'), priority: 10, conditions: [host, api] });
      frontend = new Frontend(this, 'Frontend', {
        network: this.network, alb, hostName: config.domain, dist: props.frontendDist!, priority: 100,
      });
    } else {
      if (config.auth) alb.httpsListener.addAction('ApiCalls', { action: alb.forward(targetGroup, 'api'), priority: 10, conditions: [host, api] });
      alb.httpsListener.addAction('Api', { action: alb.forward(targetGroup, 'pages'), priority: 100, conditions: [host] });
    }
    alb.httpsListener.addAction('Default', {
      action: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    return frontend;
  }

  /**
   * The function inside the VPC: a security group that sends only to the on-premises
   * destinations, and the network interface permissions Lambda needs (what the managed
   * AWSLambdaVPCAccessExecutionRole grants, scoped to this account, region, subnets and group).
   */
  private handlerNetworkAccess(config: HybridConfig, role: iam.Role): { securityGroup: ec2.SecurityGroup; policy: iam.Policy } {
    const securityGroup = sendOnlyAsRuled(new ec2.SecurityGroup(this, 'HandlerSecurityGroup', {
      vpc: this.network.vpc,
      description: `API function of ${config.domain}: to the on-premises destinations only`,
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    }));
    for (const { cidr, fromPort, toPort } of config.handlerDestinations) {
      securityGroup.addEgressRule(peerOf(cidr), ec2.Port.tcpRange(fromPort, toPort), 'To an on-premises system');
    }
    if (config.auth) {
      // The load balancer's public keys, to verify the signed identity: a public AWS endpoint with no
      // interface endpoint and no published ranges, reached through the VPC's NAT (or a proxy).
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `HTTPS to public-keys.auth.elb.${config.region}.amazonaws.com`);
    }
    const stack = Stack.of(this);
    const arn = (resource: string) => stack.formatArn({ service: 'ec2', resource });
    const networkInterfaces = arn('network-interface/*');
    const policy = new iam.Policy(this, 'HandlerNetworkInterfaces', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['ec2:CreateNetworkInterface'],
          resources: [
            networkInterfaces,
            arn(`security-group/${securityGroup.securityGroupId}`),
            ...config.subnetIds.map((subnetId) => arn(`subnet/${subnetId}`)),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: [networkInterfaces],
        }),
        new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
      ],
    });
    // cdk-nag names the resource as synthesized: the partition, region and account, or their pseudo parameters.
    const [partition, region, account] = [[stack.partition, '<AWS::Partition>'], [stack.region, '<AWS::Region>'],
      [stack.account, '<AWS::AccountId>']].map(([value, pseudo]) => (Token.isUnresolved(value) ? pseudo : value));
    Validations.of(policy).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:ec2:${region}:${account}:network-interface/*]`,
      reason: 'Lambda creates and deletes the function\'s network interfaces; their ids are not known in advance. ' +
        'Creation is limited to the app\'s subnets and security group.',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets take no resource-level permissions.',
    });
    return { securityGroup, policy };
  }
}

/** The `PrivateApp`s under a construct (a stack, a stage, an app). */
export function privateAppsIn(scope: IConstruct): PrivateApp[] {
  return scope.node.findAll().filter(PrivateApp.isPrivateApp);
}

/** The function's variables for machine callers: the provider the load balancer verified the token with. */
export function machineEnvironment(machine: MachineAuth): Record<string, string> {
  return {
    HYBRID_MACHINE_ISSUER: machine.issuer,
    HYBRID_MACHINE_JWKS_URL: machine.jwksEndpoint,
    ...(machine.audience ? { HYBRID_MACHINE_AUDIENCE: machine.audience } : {}),
  };
}
