import { Topology } from './options';

/**
 * The topologies as data: everything the project type, the CLI, the docs, the dev server and the
 * constructs need to know about one topology is in its entry of `TOPOLOGIES`. The record is keyed
 * by `Topology`, so a new member of the enum does not compile until it has a spec; code asks the
 * spec (`TOPOLOGIES[topology].loadBalancer`), never compares topology names. CONTRIBUTING.md has
 * the recipe for a new topology.
 */

/** The event the Lambda handler receives, and the answer it must give in return. */
export enum EventShape {
  /** An ALB target group of type `lambda` with multi-value headers on. */
  ALB_MULTI_VALUE = 'alb-multi-value',
  /** API Gateway's Lambda proxy integration (REST API, payload format 1.0). */
  APIGW_PROXY = 'apigw-proxy',
}

/** What the handler must live with: bodies and time. */
export interface TopologyLimits {
  /** The largest request body that reaches the handler, in bytes. */
  readonly requestBytes: number;
  /** The largest response body the caller receives, in bytes. */
  readonly responseBytes: number;
  /** How long a request may take, in seconds, before the caller gets an error; none: the function's timeout. */
  readonly timeoutSeconds?: number;
}

/** A cdk-nag rule acknowledged in an app: the rule, where, and why (the Security section of docs/architecture.md). */
export interface Acknowledgement {
  readonly rule: string;
  readonly where: string;
  readonly why: string;
}

/** What a topology's acknowledgements depend on. */
export interface AcknowledgementInput {
  /** An existing `execute-api` endpoint is used instead of a new one. */
  readonly existingEndpoint: boolean;
  /** Why the REST API has no authorizer of its own (after the environments' sign-in). */
  readonly authWhy: string;
}

export interface TopologySpec {
  /** The path a request takes, in one line: docs/architecture.md's first sentence, `PrivateApp`'s summary. */
  readonly path: string;
  /** The same, short: what `npx projen dev` says it plays. */
  readonly shortPath: string;
  /** The CLI's topology question: the choice's title and its hint (the path, limits, features, then its labelled price). */
  readonly menu: { readonly title: string; readonly hint: string };
  /** A row of the "Choosing a topology" table: what it costs per environment and month, its limits, what it is for. */
  readonly choose: { readonly cost: string; readonly limits: string; readonly for: string };

  /** An internal Application Load Balancer receives the requests (TLS 1.3, corporate CIDRs, access logs). */
  readonly loadBalancer: boolean;
  /** The load balancer invokes the function itself, through a target group of type `lambda`. */
  readonly lambdaTarget: boolean;
  /** A private API Gateway REST API invokes the function. */
  readonly restApi: boolean;
  /** Requests pass an `execute-api` interface endpoint: `vpcEndpointId` may name an existing one. */
  readonly executeApiEndpoint: boolean;
  /**
   * The load balancer forwards to the `execute-api` endpoint's private IPs, looked up at deploy time, and the API has
   * a regional custom domain of the host name (API Gateway routes by the Host the load balancer passes on).
   */
  readonly endpointTargets: boolean;
  /** The API is served under a private custom domain name, and the host name resolves to the endpoint. */
  readonly privateDomainName: boolean;

  /** The event the handler receives. */
  readonly event: EventShape;
  /** What the handler must live with. */
  readonly limits: TopologyLimits;
  /** What answers the caller for the app: a refused body, a failed handler ("…, as from the load balancer"). */
  readonly frontDoor: string;
  /** A single-page app can be served under the same host name (by the load balancer, from S3). */
  readonly frontend: boolean;
  /** Users can sign in at the load balancer (OpenID Connect). */
  readonly signIn: boolean;

  /** The template (under `templates/`) of the "How requests flow" part of docs/architecture.md. */
  readonly docs: string;
  /** The cdk-nag rules the topology's constructs acknowledge (the app-wide ones are added by the caller). */
  readonly acknowledgements: (input: AcknowledgementInput) => Acknowledgement[];
  /** The construct that wires it (`create-hybrid-serverless/constructs`), and the module it is in. */
  readonly construct: { readonly className: string; readonly module: string };
}

export const MB = 1024 * 1024;

/** The ALB's limits for a Lambda target: 1 MB each way. */
const ALB_LIMITS: TopologyLimits = { requestBytes: 1 * MB, responseBytes: 1 * MB };
/** API Gateway's: 10 MB in, Lambda's 6 MB out, 29 seconds (the default integration timeout). */
const APIGW_LIMITS: TopologyLimits = { requestBytes: 10 * MB, responseBytes: 6 * MB, timeoutSeconds: 29 };

/** What every topology with a load balancer acknowledges. */
const LOAD_BALANCER_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  { rule: 'S1', where: 'the access log bucket', why: 'it is the log destination; logging it to itself would loop' },
];

/** What the custom resources behind the endpoint lookups and the endpoint's policy acknowledge. */
export const CUSTOM_RESOURCE_ACKNOWLEDGEMENT: Acknowledgement = {
  rule: 'IAM4', where: 'CDK\'s AwsCustomResource provider', why: 'the AWS managed basic execution role, to write its logs',
};
export const ENDPOINT_LOOKUP_ACKNOWLEDGEMENT: Acknowledgement = {
  rule: 'IAM5', where: 'the endpoint lookup', why: 'ec2:DescribeNetworkInterfaces / DescribeVpcEndpoints have no resource-level permissions',
};

/** What a private REST API acknowledges; `waf` says where a web ACL would go. */
function restApiAcknowledgements(authWhy: string, waf: string): Acknowledgement[] {
  return [
    { rule: 'APIG4, COG4', where: 'the REST API', why: authWhy },
    { rule: 'APIG3', where: 'the stage', why: waf },
  ];
}

/** Every topology, in the order the CLI offers them (the default first). */
export const TOPOLOGIES: Record<Topology, TopologySpec> = {
  [Topology.ALB_LAMBDA]: {
    path: 'internal Application Load Balancer → Lambda',
    shortPath: 'ALB → Lambda',
    menu: {
      title: 'ALB straight to Lambda',
      hint: 'ALB → Lambda: simpler, cheaper, one hop shorter; bodies up to 1 MB; frontend. ' +
        'Price per environment: ~$16/month + capacity units',
    },
    choose: { cost: 'ALB ~$16 + capacity units', limits: 'bodies up to 1 MB', for: 'the simplest path; frontend' },
    loadBalancer: true,
    lambdaTarget: true,
    restApi: false,
    executeApiEndpoint: false,
    endpointTargets: false,
    privateDomainName: false,
    event: EventShape.ALB_MULTI_VALUE,
    limits: ALB_LIMITS,
    frontDoor: 'the load balancer',
    frontend: true,
    signIn: true,
    docs: 'docs/topologies/alb-lambda.md',
    acknowledgements: () => [...LOAD_BALANCER_ACKNOWLEDGEMENTS],
    construct: { className: 'AlbLambdaApi', module: 'alb-lambda-api' },
  },
  [Topology.APIGW_VPCE]: {
    path: 'internal Application Load Balancer → execute-api VPC endpoint → private API Gateway → Lambda',
    shortPath: 'ALB → execute-api endpoint → private REST API → Lambda',
    menu: {
      title: 'API Gateway via VPC endpoint',
      hint: 'ALB → execute-api endpoint → private REST API: throttling, request validation, authorizers; ' +
        '10 MB in, 6 MB out, 29 s; frontend. Price per environment: ~$31/month + $3.50 per million calls',
    },
    choose: {
      cost: 'ALB ~$16 + endpoint ~$7 per subnet + $3.50 per million calls',
      limits: '10 MB requests, 6 MB responses, 29 s',
      for: 'throttling, validation, usage plans, authorizers; frontend',
    },
    loadBalancer: true,
    lambdaTarget: false,
    restApi: true,
    executeApiEndpoint: true,
    endpointTargets: true,
    privateDomainName: false,
    event: EventShape.APIGW_PROXY,
    limits: APIGW_LIMITS,
    frontDoor: 'the load balancer or API Gateway',
    frontend: true,
    signIn: true,
    docs: 'docs/topologies/apigw-vpce.md',
    // The endpoint's IPs are looked up at deploy time, whether the app made the endpoint or not.
    acknowledgements: ({ authWhy }) => [
      ...LOAD_BALANCER_ACKNOWLEDGEMENTS,
      CUSTOM_RESOURCE_ACKNOWLEDGEMENT,
      ENDPOINT_LOOKUP_ACKNOWLEDGEMENT,
      ...restApiAcknowledgements(authWhy, 'traffic arrives only through the internal ALB; a WAF web ACL belongs there if you want one'),
    ],
    construct: { className: 'ApigwVpceApi', module: 'apigw-vpce-api' },
  },
  [Topology.APIGW_PRIVATE_DOMAIN]: {
    path: 'private custom domain name → execute-api VPC endpoint → private API Gateway → Lambda, no load balancer',
    shortPath: 'execute-api endpoint → private custom domain name → private REST API → Lambda',
    menu: {
      title: 'API Gateway, private custom domain',
      hint: 'execute-api endpoint → private REST API under its own name, no ALB: API Gateway\'s features and ' +
        'limits; API only; a new domain answers after ~15 min. Price per environment: ~$15/month + $3.50 per million calls',
    },
    choose: {
      cost: 'endpoint ~$7 per subnet + $3.50 per million calls',
      limits: 'as `apigw-vpce`; about 15 minutes before a new domain answers',
      for: 'API Gateway\'s features without a load balancer; API only',
    },
    loadBalancer: false,
    lambdaTarget: false,
    restApi: true,
    executeApiEndpoint: true,
    endpointTargets: false,
    privateDomainName: true,
    event: EventShape.APIGW_PROXY,
    limits: APIGW_LIMITS,
    frontDoor: 'API Gateway',
    frontend: false,
    signIn: false,
    docs: 'docs/topologies/apigw-private-domain.md',
    // A new endpoint's policy is set by a custom resource; an existing endpoint's DNS name is looked up.
    acknowledgements: ({ existingEndpoint, authWhy }) => [
      CUSTOM_RESOURCE_ACKNOWLEDGEMENT,
      ...(existingEndpoint ? [ENDPOINT_LOOKUP_ACKNOWLEDGEMENT] : []),
      ...restApiAcknowledgements(authWhy, 'reachable only from the corporate network through the app\'s endpoint; ' +
        'associate a WAF web ACL with the stage if you want one'),
    ],
    construct: { className: 'ApigwPrivateDomainApi', module: 'apigw-private-domain-api' },
  },
};

/** The topologies whose spec has a trait, in the record's order, e.g. `topologiesWith('frontend')`. */
export function topologiesWith(trait: 'loadBalancer' | 'restApi' | 'executeApiEndpoint' | 'frontend' | 'signIn'): Topology[] {
  return (Object.keys(TOPOLOGIES) as Topology[]).filter((topology) => TOPOLOGIES[topology][trait]);
}

/** A list of topology names for a message: `"alb-lambda" or "apigw-vpce"`. */
export function quoted(topologies: readonly Topology[], conjunction: 'or' | 'and'): string {
  const names = topologies.map((topology) => `"${topology}"`);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

export interface EventShapeSpec {
  /** What `npx projen dev` says it delivers. */
  readonly label: string;
  /** What invokes the function with it: it refuses larger bodies, and answers for a failed function. */
  readonly invoker: string;
  /** The template (under `templates/`) of what docs/architecture.md says `npx projen dev` delivers. */
  readonly docs: string;
}

export const EVENT_SHAPES: Record<EventShape, EventShapeSpec> = {
  [EventShape.ALB_MULTI_VALUE]: { label: 'multi-value events', invoker: 'the load balancer', docs: 'docs/events/alb-multi-value.md' },
  [EventShape.APIGW_PROXY]: { label: 'proxy events', invoker: 'the API', docs: 'docs/events/apigw-proxy.md' },
};
