import { OidcAuthSettings, SwitchedOffCheck, Topology } from './options';
import { placeholdersIn, resolveAuth, ResolvedEnvironment, ResolvedSettings, SETTINGS, SettingKey } from './settings';
import { IN_BUILD_ENV } from './tasks';
import { Destination, parseDestination } from './validate';

/**
 * Everything the templates need, computed here so that templates stay dumb: they lay text
 * out and insert values with `{{json …}}`, nothing more.
 */
export interface TemplateContext {
  readonly name: string;
  readonly settings: ResolvedSettings;
  /** The CDK stack's name (and construct id). */
  readonly stackName: string;
  /** Topology "API Gateway via VPC endpoint" (behind the load balancer). */
  readonly apigw: boolean;
  readonly albLambda: boolean;
  /** Topology "API Gateway, private custom domain": no load balancer. */
  readonly privateDomain: boolean;
  /** Whether the topology has an internal load balancer. */
  readonly alb: boolean;
  /** Whether there is a private REST API (either API Gateway topology). */
  readonly restApi: boolean;
  readonly frontend: boolean;
  /** Whether interface endpoints are created (API Gateway topologies or frontend). */
  readonly endpoints: boolean;
  /** The construct that wires the chosen topology, and its module. */
  readonly apiClass: string;
  readonly apiModule: string;
  /** The existing VPC endpoint to use, or false to create one. */
  readonly vpcEndpointId: string | false;
  /** Where the API function may send from inside the VPC; empty when it runs outside. */
  readonly handlerDestinations: readonly Destination[];
  /** The same, for the README: `{ cidr, ports }` with ports as `5432` or `8080-8089`. */
  readonly handlerDestinationRows: ReadonlyArray<{ cidr: string; ports: string }>;
  /** Whether the API function runs inside the VPC. */
  readonly handlerInVpc: boolean;
  /** Concurrent executions reserved for the API function, or false for none. */
  readonly reservedConcurrency: number | false;
  /** A one-line description of the chosen topology. */
  readonly topologyTitle: string;
  /** The cdk-nag rules acknowledged in this app, where, and why: for the README's Security section. */
  readonly acknowledgements: ReadonlyArray<{ rule: string; where: string; why: string }>;
  /** Settings still holding placeholders, with their flag and question, for the README. */
  readonly placeholders: ReadonlyArray<{ key: string; flag: string; question: string; value: string }>;
  /** The managed checks switched off in `.projenrc.ts`: id → reason. */
  readonly switchedOffChecks: Record<string, string>;
  /** The variable the `build` task sets for the tasks it spawns (see src/tasks.ts). */
  readonly inBuildEnv: string;
  /** The environments in deploy order, each with the settings that still hold placeholders. */
  readonly environments: ReadonlyArray<ResolvedEnvironment & {
    readonly placeholders: ReadonlyArray<{ key: string; question: string; value: string }>;
    /** `cdk bootstrap`'s arguments for it. */
    readonly bootstrap: string;
    /** Its sign-in with the defaults applied, or false for none. */
    readonly signIn: Required<OidcAuthSettings> | false;
  }>;
  /** Whether any environment signs users in at the load balancer. */
  readonly auth: boolean;
  /** Whether every environment does. */
  readonly authEverywhere: boolean;
  /** Whether there is more than one environment. */
  readonly severalEnvironments: boolean;
}

const TOPOLOGY_MODULES: Record<Topology, { apiClass: string; apiModule: string; title: string }> = {
  [Topology.ALB_LAMBDA]: {
    apiClass: 'AlbLambdaApi',
    apiModule: 'alb-lambda-api',
    title: 'internal Application Load Balancer → Lambda',
  },
  [Topology.APIGW_VPCE]: {
    apiClass: 'ApigwVpceApi',
    apiModule: 'apigw-vpce-api',
    title: 'internal Application Load Balancer → execute-api VPC endpoint → private API Gateway → Lambda',
  },
  [Topology.APIGW_PRIVATE_DOMAIN]: {
    apiClass: 'ApigwPrivateDomainApi',
    apiModule: 'apigw-private-domain-api',
    title: 'private custom domain name → execute-api VPC endpoint → private API Gateway → Lambda, no load balancer',
  },
};

/** A CloudFormation stack name from an npm name: `my-app` → `MyApp`, `1st-app` → `App1stApp`. */
export function pascalCase(name: string): string {
  const pascal = name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  // Stack names start with a letter.
  return /^[A-Za-z]/.test(pascal) ? pascal : `App${pascal}`;
}

/** The cdk-nag acknowledgements the managed constructs make, for the chosen topology and frontend. */
function acknowledgements(settings: ResolvedSettings, environments: readonly ResolvedEnvironment[]): TemplateContext['acknowledgements'] {
  const alb = settings.topology !== Topology.APIGW_PRIVATE_DOMAIN;
  const apigw = settings.topology !== Topology.ALB_LAMBDA;
  const list = [
    ...(alb ? [{ rule: 'S1', where: 'the access log bucket', why: 'it is the log destination; logging it to itself would loop' }] : []),
    { rule: 'L1', where: 'the API function', why: 'projen sets nodejs24.x, the newest Node.js runtime; cdk-nag\'s list lags new runtimes' },
    { rule: 'IAM5', where: 'the API function\'s role', why: 'X-Ray\'s PutTraceSegments / PutTelemetryRecords take no resource-level permissions' },
  ];
  if (settings.handlerEgress?.length) {
    list.push({
      rule: 'IAM5',
      where: 'the API function\'s role, in the VPC',
      why: 'Lambda manages the function\'s network interfaces: their ids are not known in advance, and the Describe actions take no resource-level permissions',
    });
  }
  // Custom resources: endpoint lookups, and the policy of an execute-api endpoint the app creates.
  if (apigw || settings.frontend) {
    list.push({ rule: 'IAM4', where: 'CDK\'s AwsCustomResource provider', why: 'the AWS managed basic execution role, to write its logs' });
  }
  if (settings.topology === Topology.APIGW_VPCE || settings.frontend
    || (settings.topology === Topology.APIGW_PRIVATE_DOMAIN && settings.vpcEndpointId)) {
    list.push({ rule: 'IAM5', where: 'the endpoint lookup', why: 'ec2:DescribeNetworkInterfaces / DescribeVpcEndpoints have no resource-level permissions' });
  }
  if (apigw) {
    list.push(
      { rule: 'APIG4, COG4', where: 'the REST API', why: authWhy(environments) },
      alb
        ? { rule: 'APIG3', where: 'the stage', why: 'traffic arrives only through the internal ALB; a WAF web ACL belongs there if you want one' }
        : { rule: 'APIG3', where: 'the stage', why: 'reachable only from the corporate network through the app\'s endpoint; associate a WAF web ACL with the stage if you want one' },
      { rule: 'IAM4', where: 'API Gateway\'s CloudWatch role', why: 'the account-level role for execution logs; AWS maintains its policy' },
    );
  }
  if (settings.frontend) {
    list.push(
      { rule: 'IAM4, IAM5', where: 'CDK\'s BucketDeployment function', why: 'copies the built app; CDK grants object wildcards scoped to the asset bucket and the app bucket' },
      { rule: 'L1', where: 'CDK\'s BucketDeployment function', why: 'its runtime is chosen by aws-cdk-lib and follows CDK upgrades' },
    );
  }
  return list;
}

/** Why the REST API has no authorizer of its own, after the environments' sign-in. */
function authWhy(environments: readonly ResolvedEnvironment[]): string {
  const signedIn = environments.filter((environment) => environment.auth !== undefined).map((environment) => environment.name);
  const atAlb = 'users sign in at the load balancer (OpenID Connect) before a request reaches the API, and the handler verifies the ' +
    'load balancer\'s signed identity';
  if (signedIn.length > 0 && signedIn.length === environments.length) return atAlb;
  const open = 'reachable only from the corporate network; user authentication is your decision (below)';
  return signedIn.length > 0 ? `${open}; in ${signedIn.join(', ')}: ${atAlb}` : open;
}

/** The settings of one environment that still hold placeholders, for the docs. */
function environmentPlaceholders(settings: ResolvedSettings, environment: ResolvedEnvironment) {
  const keys: SettingKey[] = placeholdersIn({ ...settings, ...environment });
  return SETTINGS.filter((spec) => keys.includes(spec.key)).map((spec) => ({
    key: spec.key,
    question: spec.question,
    value: JSON.stringify(({ ...settings, ...environment } as Record<string, unknown>)[spec.key]),
  }));
}

export function templateContext(name: string, settings: ResolvedSettings,
  switchedOffChecks: readonly SwitchedOffCheck[] = [], environments: readonly ResolvedEnvironment[] = []): TemplateContext {
  const topology = TOPOLOGY_MODULES[settings.topology];
  const placeholderKeys = placeholdersIn(settings);
  const destinations = (settings.handlerEgress ?? []).map((entry) => parseDestination(entry)!);
  return {
    name,
    settings,
    stackName: pascalCase(name.replace(/^@[^/]+\//, '')),
    apigw: settings.topology === Topology.APIGW_VPCE,
    albLambda: settings.topology === Topology.ALB_LAMBDA,
    privateDomain: settings.topology === Topology.APIGW_PRIVATE_DOMAIN,
    alb: settings.topology !== Topology.APIGW_PRIVATE_DOMAIN,
    restApi: settings.topology !== Topology.ALB_LAMBDA,
    frontend: settings.frontend,
    endpoints: settings.topology !== Topology.ALB_LAMBDA || settings.frontend,
    apiClass: topology.apiClass,
    apiModule: topology.apiModule,
    topologyTitle: topology.title,
    handlerDestinations: destinations,
    handlerDestinationRows: destinations.map(({ cidr, fromPort, toPort }) => ({
      cidr,
      ports: fromPort === toPort ? `${fromPort}` : `${fromPort}-${toPort}`,
    })),
    handlerInVpc: Boolean(settings.handlerEgress?.length),
    reservedConcurrency: settings.reservedConcurrency ?? false,
    vpcEndpointId: settings.vpcEndpointId ?? false,
    acknowledgements: acknowledgements(settings, environments),
    placeholders: SETTINGS.filter((spec) => placeholderKeys.includes(spec.key)).map((spec) => ({
      key: spec.key,
      flag: spec.flag,
      question: spec.question,
      value: JSON.stringify(settings[spec.key]),
    })),
    switchedOffChecks: Object.fromEntries(switchedOffChecks.map((check) => [check.id, check.reason])),
    inBuildEnv: IN_BUILD_ENV,
    environments: environments.map((environment) => ({
      ...environment,
      placeholders: environmentPlaceholders(settings, environment),
      bootstrap: [`aws://${environment.account}/${environment.region}`,
        ...(environment.qualifier ? [`--qualifier ${environment.qualifier}`] : [])].join(' '),
      signIn: environment.auth ? resolveAuth(environment.auth) : false,
    })),
    severalEnvironments: environments.length > 1,
    auth: environments.some((environment) => environment.auth !== undefined),
    authEverywhere: environments.length > 0 && environments.every((environment) => environment.auth !== undefined),
  };
}
