import { EnvironmentSettings, HybridServerlessSettings, OidcAuthSettings, Topology } from './options';
import { quoted, TOPOLOGIES, topologiesWith } from './topologies';
import {
  Check, checkAccount, checkAuth, checkBoolean, checkCertificateArn, checkCorporateCidrs, checkDomain,
  checkDeployRoleArn, checkEnvironmentName, checkHandlerEgress, checkHostedZoneId, checkOneOf, checkProjectNameAllowingCapitals,
  checkQualifier, checkRegion, checkReservedConcurrency, checkSubnetIds, checkSwitchedOffCheck, checkVpcEndpointId, checkVpcId,
  partitionOf, show,
} from './validate';

/** The settings with every default applied. */
export interface ResolvedSettings {
  readonly topology: Topology;
  readonly frontend: boolean;
  readonly domain: string;
  readonly hostedZoneId: string;
  readonly certificateArn: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly corporateCidrs: string[];
  readonly vpcEndpointId?: string;
  readonly handlerEgress?: string[];
  readonly reservedConcurrency?: number;
  /** Sign-in at the load balancer, as given; absent when off. */
  readonly auth?: OidcAuthSettings;
  readonly production: boolean;
  readonly account: string;
  readonly region: string;
}

export type SettingKey = keyof ResolvedSettings;

/** The settings that differ per environment; the others (topology, frontend, …) are app-wide. */
export const ENVIRONMENT_KEYS = [
  'account', 'region', 'vpcId', 'subnetIds', 'corporateCidrs', 'domain', 'hostedZoneId', 'certificateArn', 'vpcEndpointId',
  'production', 'auth',
] as const satisfies readonly SettingKey[];

/** One environment with every default applied: its own values, else the top-level ones. */
export type ResolvedEnvironment = Pick<ResolvedSettings, typeof ENVIRONMENT_KEYS[number]> & {
  readonly name: string;
  readonly qualifier?: string;
  readonly deployRoleArn?: string;
};

/** The environment a repo has when `environments` is not given. */
export const DEFAULT_ENVIRONMENT = 'dev';

/** What an entry of `environments` may hold. */
const ENVIRONMENT_FIELDS: readonly string[] = ['name', ...ENVIRONMENT_KEYS, 'qualifier', 'deployRoleArn'];

/** The environments, each resolved from its own settings and the top-level ones. */
export function resolveEnvironments(settings: HybridServerlessSettings): ResolvedEnvironment[] {
  const entries: readonly EnvironmentSettings[] = Array.isArray(settings.environments) && settings.environments.length > 0
    ? settings.environments
    : [{ name: DEFAULT_ENVIRONMENT }];
  return entries.map((entry) => {
    const own = Object.fromEntries(Object.entries(entry ?? {}).filter(([, value]) => value !== undefined));
    // The certificate's placeholder follows the environment's own account and region.
    const resolved = withDefaults({ ...settings, ...own } as HybridServerlessSettings);
    const environment: Record<string, unknown> = { name: (entry as { name?: unknown })?.name };
    for (const key of ENVIRONMENT_KEYS) if (resolved[key] !== undefined) environment[key] = resolved[key];
    const qualifier = entry?.qualifier ?? settings.qualifier;
    const deployRoleArn = entry?.deployRoleArn ?? settings.deployRoleArn;
    if (qualifier !== undefined) environment.qualifier = qualifier;
    if (deployRoleArn !== undefined) environment.deployRoleArn = deployRoleArn;
    return environment as ResolvedEnvironment;
  });
}

/**
 * Problems with `environments` and the per-environment settings, named by environment
 * (`environments[1].subnetIds`): each environment's own values get the checks of the top-level
 * settings, its name must be valid and unique, and nothing unknown may hide a typo.
 */
function environmentProblems(settings: HybridServerlessSettings, resolved: ResolvedSettings): SettingProblem[] {
  const given = settings.environments as unknown;
  const problems: SettingProblem[] = [];
  const top = (key: string, value: unknown, check: (value: unknown) => string | undefined) => {
    const message = value === undefined ? undefined : check(value);
    if (message) problems.push({ key, message });
  };
  top('qualifier', settings.qualifier, checkQualifier);
  top('deployRoleArn', settings.deployRoleArn, checkDeployRoleArn(resolved.account));
  if (given === undefined) return problems;
  if (!Array.isArray(given)) return [...problems, { key: 'environments', message: 'must be a list of { name, … }.' }];
  if (given.length === 0) return [...problems, { key: 'environments', message: 'needs at least one environment, e.g. [{ name: \'dev\' }].' }];
  const environments = resolveEnvironments(settings);
  given.forEach((entry: unknown, i) => {
    const at = `environments[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ key: at, message: `${show(entry)} must be an object such as { name: 'prod', account: '…' }.` });
      return;
    }
    const own = entry as Record<string, unknown>;
    for (const field of Object.keys(own).filter((key) => !ENVIRONMENT_FIELDS.includes(key))) {
      problems.push({ key: `${at}.${field}`, message: `is not a setting of an environment; they are ${ENVIRONMENT_FIELDS.join(', ')}.` });
    }
    const nameProblem = checkEnvironmentName(own.name);
    if (nameProblem) {problems.push({ key: `${at}.name`, message: nameProblem });} else if (given.slice(0, i).some((other) => (other as { name?: unknown } | null)?.name === own.name)) {
      problems.push({ key: `${at}.name`, message: `"${own.name}" names two environments; names must be unique.` });
    }
    const environment = environments[i];
    const asSettings = { ...resolved, ...environment } as ResolvedSettings;
    for (const spec of SETTINGS.filter((s) => (ENVIRONMENT_KEYS as readonly string[]).includes(s.key))) {
      // Its own values, and the certificate when its account or region differs from the one inherited.
      const inheritsCertificate = spec.key === 'certificateArn' && own.certificateArn === undefined
        && own.account === undefined && own.region === undefined;
      if (own[spec.key] === undefined && (spec.key !== 'certificateArn' || inheritsCertificate)) continue;
      const message = spec.check(asSettings[spec.key], asSettings);
      if (message) problems.push({ key: `${at}.${spec.key}`, message });
    }
    // Its own sign-in, or the inherited one when the region (the secret's) differs.
    if (own.auth !== undefined || (own.region !== undefined && environment.auth !== undefined)) {
      problems.push(...authProblems(own.auth ?? settings.auth, environment.region ?? resolved.region, resolved.topology, `${at}.auth`));
    }
    if (own.qualifier !== undefined) top(`${at}.qualifier`, own.qualifier, checkQualifier);
    if (environment.deployRoleArn !== undefined && (own.deployRoleArn !== undefined || own.account !== undefined)) {
      top(`${at}.deployRoleArn`, environment.deployRoleArn, checkDeployRoleArn(environment.account));
    }
  });
  return problems;
}

/** Problems with a value of `auth` (named `auth.clientId`, `environments[1].auth.clientId`). */
function authProblems(value: unknown, region: string, topology: Topology, key: string): SettingProblem[] {
  const problems = checkAuth(value, region).map((problem) => ({ key: problem.field ? `${key}.${problem.field}` : key, message: problem.message }));
  if (problems.length === 0 && isAuthOn(value) && !TOPOLOGIES[topology]?.signIn) {
    problems.push({
      key,
      message: `the topology "${topology}" has no load balancer to sign users in at; choose ` +
        `${quoted(topologiesWith('signIn'), 'or')} for sign-in, or an IAM or Lambda authorizer on the API.`,
    });
  }
  return problems;
}

/**
 * The defaults of `auth`. The session lasts an hour: a person who leaves the company loses access
 * within the hour (the load balancer's own default, 7 days, outlives an account's removal by a
 * week), and the sign-in that follows is silent while the provider's own session lasts.
 */
export const AUTH_DEFAULTS = { scope: 'openid email profile', sessionTimeout: 3600, providerCidrs: ['0.0.0.0/0'] } as const;

/** Sign-in with every default applied: what the generated config holds. */
export function resolveAuth(auth: OidcAuthSettings): Required<OidcAuthSettings> {
  return {
    issuer: auth.issuer,
    authorizationEndpoint: auth.authorizationEndpoint,
    tokenEndpoint: auth.tokenEndpoint,
    userInfoEndpoint: auth.userInfoEndpoint,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    scope: auth.scope ?? AUTH_DEFAULTS.scope,
    sessionTimeout: auth.sessionTimeout ?? AUTH_DEFAULTS.sessionTimeout,
    providerCidrs: auth.providerCidrs ?? [...AUTH_DEFAULTS.providerCidrs],
  };
}

/** Whether a value of `auth` turns sign-in on (an object; `false` and absent are off). */
export function isAuthOn(value: unknown): value is OidcAuthSettings {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A problem with one setting, named by its option. */
export interface SettingProblem {
  readonly key: string;
  readonly message: string;
}

/** Thrown when settings are invalid; the message lists every problem. */
export class InvalidSettingsError extends Error {
  constructor(public readonly problems: SettingProblem[], context: string) {
    super(`${context}:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Placeholders that synthesize offline; `placeholdersIn` reports the ones still in use. */
export const PLACEHOLDER_CERTIFICATE_ID = '00000000-0000-0000-0000-000000000000';

export const DEFAULTS = {
  topology: Topology.ALB_LAMBDA,
  frontend: false,
  production: false,
  domain: 'app.internal.example.com',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
  corporateCidrs: ['10.0.0.0/8'],
  account: '123456789012',
  region: 'eu-west-1',
} as const;

export function defaultCertificateArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:acm:${region}:${account}:certificate/${PLACEHOLDER_CERTIFICATE_ID}`;
}

/** What a setting is, for the flags, the prompts, the help and the answers file alike. */
export interface SettingSpec {
  readonly key: SettingKey;
  /** The CLI flag, e.g. `--hosted-zone-id`. */
  readonly flag: string;
  readonly kind: 'choice' | 'boolean' | 'string' | 'list' | 'number';
  /** For `choice`: the values and what each means. */
  readonly choices?: ReadonlyArray<{ value: string; title: string; description: string }>;
  /** One line for `--help`. */
  readonly summary: string;
  /** What the flag's value looks like in `--help`, e.g. `<fqdn>`. @default - from `kind` */
  readonly metavar?: string;
  /** The settings whose values this one's check reads (the certificate's region and account). */
  readonly dependsOn?: readonly SettingKey[];
  /** The question the CLI asks. */
  readonly question: string;
  /** A hint shown above the question; a function of the answers so far, to name what was typed. */
  readonly hint?: string | ((settings: ResolvedSettings) => string);
  /** Optional settings have no default: left out, the generator creates what is needed. */
  readonly optional?: boolean;
  /** Asked only when this holds for the answers so far. @default - always */
  readonly when?: (settings: ResolvedSettings) => boolean;
  /** The validator for this kind of value; `settings` holds the other answers (for the certificate). */
  readonly check: (value: unknown, settings: ResolvedSettings) => string | undefined;
}

/** The topologies, for the question and `--help`: the path, what it costs a month per environment, its limits and features. */
const TOPOLOGY_CHOICES = (Object.keys(TOPOLOGIES) as Topology[]).map((topology) => ({
  value: topology,
  title: TOPOLOGIES[topology].menu.title,
  description: TOPOLOGIES[topology].menu.hint,
}));

const fixed = (check: Check<unknown>) => (value: unknown) => check(value);

/** The registry of settings, in the order the CLI asks for them. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'topology',
    flag: '--topology',
    kind: 'choice',
    choices: TOPOLOGY_CHOICES,
    summary: 'alb-lambda | apigw-vpce | apigw-private-domain: how requests reach the handlers',
    question: 'How should requests reach your API?',
    check: fixed(checkOneOf(TOPOLOGY_CHOICES.map((c) => c.value))),
  },
  {
    key: 'frontend',
    flag: '--frontend',
    kind: 'boolean',
    summary: 'also serve a single-page app under the same host name (--no-frontend: API only)',
    question: 'Serve a single-page web app next to the API (same host name, no CORS)?',
    dependsOn: ['topology'],
    // Not asked where it cannot be had; given anyway (flag, answers file), it is refused.
    when: (settings) => TOPOLOGIES[settings.topology]?.frontend === true,
    check: (value, settings) => checkBoolean(value) ?? (value === true && !TOPOLOGIES[settings.topology]?.frontend
      ? `the topology "${settings.topology}" serves the API only, with no load balancer to serve the app from; ` +
        `choose ${quoted(topologiesWith('frontend'), 'or')} for a frontend, or leave it off.`
      : undefined),
  },
  {
    key: 'domain',
    flag: '--domain',
    kind: 'string',
    summary: 'host name users type, e.g. myapp.internal.example.com',
    metavar: '<fqdn>',
    question: 'Host name users will type',
    hint: 'e.g. myapp.internal.example.com, in a Route 53 zone your network resolves',
    check: fixed(checkDomain),
  },
  {
    key: 'hostedZoneId',
    flag: '--hosted-zone-id',
    kind: 'string',
    summary: 'Route 53 hosted zone that holds the domain',
    metavar: '<id>',
    question: 'Route 53 hosted zone id for that name',
    hint: (settings) => `the zone that holds ${settings.domain}, usually a private hosted zone associated with the VPC`,
    check: fixed(checkHostedZoneId),
  },
  {
    key: 'account',
    flag: '--account',
    kind: 'string',
    summary: 'AWS account id (12 digits)',
    metavar: '<12 digits>',
    question: 'AWS account id',
    check: fixed(checkAccount),
  },
  {
    key: 'region',
    flag: '--region',
    kind: 'string',
    summary: 'AWS region, e.g. eu-west-1',
    metavar: '<aws region>',
    question: 'AWS region',
    check: fixed(checkRegion),
  },
  {
    key: 'certificateArn',
    flag: '--certificate-arn',
    kind: 'string',
    summary: 'ACM certificate for the domain, in the same region and account',
    metavar: '<arn>',
    dependsOn: ['region', 'account'],
    question: 'ACM certificate ARN for the host name',
    hint: (settings) => `in ${settings.region} and account ${settings.account}, the region and account above`,
    check: (value, settings) => checkCertificateArn(settings.region, settings.account)(value),
  },
  {
    key: 'vpcId',
    flag: '--vpc-id',
    kind: 'string',
    summary: 'the VPC your corporate network reaches (vpc-…)',
    metavar: '<vpc-…>',
    question: 'VPC id (the VPC your VPN / Direct Connect reaches)',
    check: fixed(checkVpcId),
  },
  {
    key: 'subnetIds',
    flag: '--subnet-ids',
    kind: 'list',
    summary: 'private subnets, comma-separated: at least two, in different availability zones',
    metavar: '<subnet-…,subnet-…>',
    question: 'Private subnet ids, comma-separated',
    hint: 'at least two, in different availability zones',
    check: fixed(checkSubnetIds),
  },
  {
    key: 'corporateCidrs',
    flag: '--corporate-cidrs',
    kind: 'list',
    summary: 'on-premises CIDRs allowed in, comma-separated',
    metavar: '<cidr,…>',
    question: 'On-premises CIDR ranges allowed in, comma-separated',
    hint: 'the ranges that reach AWS over VPN or Direct Connect; never 0.0.0.0/0',
    check: fixed(checkCorporateCidrs),
  },
  {
    key: 'production',
    flag: '--production',
    kind: 'boolean',
    summary: 'a production environment: deletion protection on the load balancer, if any (--no-production: off)',
    question: 'Is this the production environment (deletion protection on the load balancer)?',
    check: fixed(checkBoolean),
  },
  {
    key: 'vpcEndpointId',
    flag: '--vpc-endpoint-id',
    kind: 'string',
    optional: true,
    when: (settings) => TOPOLOGIES[settings.topology]?.executeApiEndpoint === true,
    summary: 'an existing execute-api VPC endpoint (vpce-…) for the apigw-* topologies; default: create one',
    metavar: '<vpce-…>',
    dependsOn: ['topology'],
    question: 'Existing execute-api VPC endpoint id (leave empty to create one)',
    hint: 'in the subnets above; never one that serves a public custom domain name',
    check: (value, settings) => {
      if (value === undefined) return undefined;
      if (!TOPOLOGIES[settings.topology]?.executeApiEndpoint) {
        return `applies only to the topologies ${quoted(topologiesWith('executeApiEndpoint'), 'and')}; ` +
          'remove it or choose one of them.';
      }
      return checkVpcEndpointId(value);
    },
  },
  {
    key: 'handlerEgress',
    flag: '--handler-egress',
    kind: 'list',
    optional: true,
    summary: 'run the API function in the VPC, allowed to reach only these on-premises destinations (cidr:port,…); default: outside the VPC',
    metavar: '<cidr:port,…>',
    question: 'On-premises destinations for the API (cidr:port, comma-separated; empty: none, outside the VPC)',
    hint: 'e.g. 10.20.0.0/16:5432; the subnets need routes to them, and a NAT or endpoints for AWS APIs',
    check: fixed(checkHandlerEgress),
  },
  {
    key: 'reservedConcurrency',
    flag: '--reserved-concurrency',
    kind: 'number',
    optional: true,
    summary: 'concurrent executions reserved for the API function; default: none (needs the account quota above 100)',
    metavar: '<n>',
    question: 'Reserved concurrency for the API (empty: none)',
    hint: 'a guaranteed share and a ceiling; a new account\'s low concurrency quota may refuse it',
    check: fixed(checkReservedConcurrency),
  },
];

/** Applies the defaults to the given settings. */
export function withDefaults(settings: HybridServerlessSettings): ResolvedSettings {
  const region = settings.region ?? DEFAULTS.region;
  const account = settings.account ?? DEFAULTS.account;
  return {
    topology: settings.topology ?? DEFAULTS.topology,
    frontend: settings.frontend ?? DEFAULTS.frontend,
    domain: settings.domain ?? DEFAULTS.domain,
    hostedZoneId: settings.hostedZoneId ?? DEFAULTS.hostedZoneId,
    certificateArn: settings.certificateArn ?? defaultCertificateArn(region, account),
    vpcId: settings.vpcId ?? DEFAULTS.vpcId,
    subnetIds: settings.subnetIds ?? [...DEFAULTS.subnetIds],
    corporateCidrs: settings.corporateCidrs ?? [...DEFAULTS.corporateCidrs],
    ...(settings.vpcEndpointId === undefined ? {} : { vpcEndpointId: settings.vpcEndpointId }),
    ...(settings.handlerEgress === undefined ? {} : { handlerEgress: settings.handlerEgress }),
    ...(settings.reservedConcurrency === undefined ? {} : { reservedConcurrency: settings.reservedConcurrency }),
    ...(isAuthOn(settings.auth) ? { auth: settings.auth } : {}),
    production: settings.production ?? DEFAULTS.production,
    account,
    region,
  };
}

/** Every problem in the settings, in registry order. */
export function settingProblems(settings: ResolvedSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const spec of SETTINGS) {
    const message = spec.check(settings[spec.key], settings);
    if (message) problems.push({ key: spec.key, message });
  }
  return problems;
}

/**
 * Applies the defaults and validates; throws an `InvalidSettingsError` listing every problem.
 * `name`, when given, is checked too: it reaches the README, the page title and the stack name.
 */
export function resolveSettings(settings: HybridServerlessSettings & { name?: string }, context: string): ResolvedSettings {
  const resolved = withDefaults(settings);
  const nameProblem = 'name' in settings ? checkProjectNameAllowingCapitals(settings.name) : undefined;
  const problems = [
    ...(nameProblem ? [{ key: 'name', message: nameProblem }] : []),
    ...settingProblems(resolved),
    ...authProblems(settings.auth, resolved.region, resolved.topology, 'auth'),
    ...switchedOffCheckProblems(settings.switchedOffChecks),
    ...environmentProblems(settings, resolved),
  ];
  if (problems.length > 0) throw new InvalidSettingsError(problems, context);
  return resolved;
}

/** Problems with `switchedOffChecks`, named by position (`switchedOffChecks[1].id`). */
function switchedOffCheckProblems(checks: unknown): SettingProblem[] {
  if (checks === undefined) return [];
  if (!Array.isArray(checks)) return [{ key: 'switchedOffChecks', message: 'must be a list of { id, reason }.' }];
  const problems: SettingProblem[] = [];
  checks.forEach((entry, i) => {
    const key = `switchedOffChecks[${i}]`;
    const problem = checkSwitchedOffCheck(entry, checks.slice(0, i));
    if (problem) problems.push({ key: `${key}${problem.field ? `.${problem.field}` : ''}`, message: problem.message });
  });
  return problems;
}

/** The settings that still hold a placeholder, which `cdk deploy` would fail on. */
export function placeholdersIn(settings: ResolvedSettings): SettingKey[] {
  const keys: SettingKey[] = [];
  if (settings.domain === DEFAULTS.domain) keys.push('domain');
  if (settings.hostedZoneId === DEFAULTS.hostedZoneId) keys.push('hostedZoneId');
  if (settings.certificateArn.endsWith(PLACEHOLDER_CERTIFICATE_ID)) keys.push('certificateArn');
  if (settings.vpcId === DEFAULTS.vpcId) keys.push('vpcId');
  if (settings.subnetIds.some((id) => (DEFAULTS.subnetIds as readonly string[]).includes(id))) keys.push('subnetIds');
  if (settings.account === DEFAULTS.account) keys.push('account');
  return keys;
}
