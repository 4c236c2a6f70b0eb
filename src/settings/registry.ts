import { EnvironmentSettings, HybridServerlessSettings, MachineAuthSettings, OidcAuthSettings, Topology } from '../options';
import { quoted, TOPOLOGIES, topologiesWith } from '../topologies';

/** The cdk-nag packs `nagPacks` takes (`NAG_PACKS` of the constructs, which this module must not load). */
export const NAG_PACK_NAMES = ['NIST80053R5Checks', 'HIPAASecurityChecks', 'PCIDSS321Checks', 'ServerlessChecks'] as const;

const checkNagPacks: Check<unknown> = (value) => {
  if (!Array.isArray(value)) return `must be a list of cdk-nag pack names: ${NAG_PACK_NAMES.join(', ')}.`;
  const unknown = value.find((pack) => !(NAG_PACK_NAMES as readonly unknown[]).includes(pack));
  if (unknown !== undefined) {
    const hint = typeof unknown === 'string' ? didYouMean(unknown, NAG_PACK_NAMES) : '';
    return `${show(unknown)} is not a cdk-nag pack this package knows.${hint} There are ${NAG_PACK_NAMES.join(', ')} (AwsSolutions is always on).`;
  }
  return new Set(value).size === value.length ? undefined : 'names a pack twice.';
};
import {
  Check, checkAccount, checkBoolean, checkCertificateArn, checkClientId, checkCorporateCidrs, checkDeployRoleArn, checkDomain,
  checkHandlerEgress, checkHostedZoneId, checkHttpsUrl, checkIssuer, checkMachine, checkNpmRegistry, checkOneOf,
  checkPermissionsBoundary, checkProviderCidrs, checkQualifier, checkRegion, checkReservedConcurrency, checkScope, checkSecretReference,
  checkSessionTimeout, checkSubnetIds, checkTags, checkVpcEndpointId, checkVpcId, Destination, didYouMean, parseDestination, partitionOf, show,
} from '../validate';

/**
 * The settings registry: one entry per option of `HybridServerlessSettings`, from which the
 * validation, the defaults, the placeholders, the CLI's flags and questions, the answers file,
 * `.projenrc.ts` and the generated config all loop. Its type is keyed by the options interface,
 * so an option without an entry (or an entry without an option) does not compile; so does an
 * entry that gives a default the option may not have, or a per-environment option that
 * `EnvironmentSettings` lacks. CONTRIBUTING.md has the recipe for a new option.
 */

/** An option of the settings, by name. */
export type SettingKey = keyof HybridServerlessSettings;

/** An option's value, as given (`undefined` left out). */
export type SettingValue<K extends SettingKey> = NonNullable<HybridServerlessSettings[K]>;

/** The options without a built-in default: left out, the app does without (or creates what it needs). */
export type OptionalKey = 'vpcEndpointId' | 'handlerEgress' | 'reservedConcurrency' | 'auth' | 'qualifier' | 'deployRoleArn'
  | 'permissionsBoundary' | 'tags' | 'npmRegistry';

/** The options an environment may set for itself (`environments[i].<key>`), inheriting the top level's. */
export type EnvironmentKey = Exclude<keyof EnvironmentSettings, 'name'>;

/** The options that are lists of entries of their own (environments, switched-off checks), resolved apart. */
export type EntriesKey = 'environments' | 'switchedOffChecks';

/** The options that resolve to one value each (`ResolvedSettings`): all but the lists of entries. */
export type ScalarKey = Exclude<SettingKey, EntriesKey>;

/**
 * The settings with every default applied: the app-wide values (and, for the per-environment
 * ones, the top level's, which the first environment inherits unless it sets its own).
 */
export type ResolvedSettings = {
  readonly [K in Exclude<SettingKey, OptionalKey | EntriesKey>]: SettingValue<K>;
} & {
  readonly [K in Exclude<OptionalKey, 'auth'>]?: SettingValue<K>;
} & {
  /** Sign-in at the load balancer, as given; absent when off. */
  readonly auth?: OidcAuthSettings;
};

/** One environment with every default applied: its own values, else the top level's. */
export type ResolvedEnvironment = Pick<ResolvedSettings, EnvironmentKey> & { readonly name: string };

/**
 * How a setting is typed and checked. The plain kinds come from a flag, a prompt or JSON; the
 * nested kinds hold settings of their own, each checked and named (`auth.clientId`,
 * `environments[1].subnetIds`, `switchedOffChecks[0].reason`).
 */
export type SettingKind =
  | 'choice' | 'boolean' | 'string' | 'list' | 'number'
  /** `false`, or an object of the fields in `AUTH_FIELDS`. */
  | 'auth'
  /** A list of environments, each a name and its own values of the per-environment settings. */
  | 'environments'
  /** A list of `{ id, reason }`. */
  | 'checks'
  /** An object of tag names and values; `key=value,key=value` on the command line. */
  | 'tags';

/** What the CLI makes of a setting: its flag, its question and its line in `--help`. */
interface CliSpec {
  /** The CLI flag, e.g. `--hosted-zone-id`. */
  readonly flag: string;
  /** What the flag's value looks like in `--help`, e.g. `<fqdn>`. @default - from `kind` */
  readonly metavar?: string;
  /** The question the CLI asks. What is in brackets at its end is shown above it, as its hint. */
  readonly question: string;
  /** A hint shown above the question; a function of the answers so far, to name what was typed. */
  readonly hint?: string | ((settings: ResolvedSettings) => string);
  /** Asked only when this holds for the answers so far. @default - always */
  readonly when?: (settings: ResolvedSettings) => boolean;
  /**
   * Whether the CLI asks for it in a terminal: `false` for what a platform team sets once (a company preset, a
   * flag, the answers file) rather than every developer. @default true
   */
  readonly ask?: boolean;
}

interface EntryBase<K extends SettingKey> {
  readonly kind: SettingKind;
  /** One line: `--help`, and what the option is for. */
  readonly summary: string;
  /** For `choice`: the values and what each means, in the order offered (the default first). */
  readonly choices?: ReadonlyArray<{ value: string; title: string; description: string }>;
  /**
   * Whether a value is a placeholder: it synthesizes offline but `cdk deploy` would fail on it
   * (listed in the next steps and docs/architecture.md). @default - never
   */
  readonly placeholder?: (value: SettingValue<K>) => boolean;
  /**
   * The settings this one's default or check reads (the certificate's region and account). They
   * come before it in the registry; an environment that sets one of them has this one checked again.
   */
  readonly dependsOn?: readonly SettingKey[];
  /**
   * The validator of a given value (the kind's own checks of the entries come on top), with the
   * other settings resolved: `undefined` when it is fine, else what is wrong and how to fix it.
   */
  readonly check: (value: unknown, settings: ResolvedSettings) => string | undefined;
  /** A flag and a question of the CLI. @default - neither: `.projenrc.ts` and the answers file only */
  readonly cli?: CliSpec;
  /**
   * How the generated config (`src/hybrid/config.ts`) holds it: another name and the value made
   * from it. @default - under its own name, as resolved (`auth` with its defaults applied)
   */
  readonly config?: { readonly name: string; readonly value: (value: SettingValue<K> | undefined) => unknown } | false;
}

/** What the compiler says of a default given to an option without one (the type is the message). */
type NoDefault = 'none: the option is in OptionalKey (remove this default, or the option from OptionalKey)';
/** What it says of `perEnvironment` on an option `EnvironmentSettings` lacks. */
type NotPerEnvironment = 'not allowed: EnvironmentSettings has no such field (add it there, or remove perEnvironment)';

/** The registry's entry for one option: a default exactly when the option has one; `perEnvironment` exactly when an environment may set it. */
export type RegistryEntry<K extends SettingKey> = EntryBase<K>
  & (K extends OptionalKey ? { readonly default?: NoDefault } : {
    /** The built-in default; a function of the settings before it in the registry (`dependsOn`). */
    readonly default: SettingValue<K> | ((settings: ResolvedSettings) => SettingValue<K>);
  })
  & (K extends EnvironmentKey ? { readonly perEnvironment: true } : { readonly perEnvironment?: NotPerEnvironment })
  & (K extends EntriesKey ? { readonly cli?: never } : unknown);

export type Registry = { readonly [K in SettingKey]-?: RegistryEntry<K> };

/** The certificate id of the placeholder certificate ARN. */
export const PLACEHOLDER_CERTIFICATE_ID = '00000000-0000-0000-0000-000000000000';

/** The placeholder certificate in an account and region (the default certificate follows them). */
export function defaultCertificateArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:acm:${region}:${account}:certificate/${PLACEHOLDER_CERTIFICATE_ID}`;
}

/** The environment a repo has when `environments` is not given. */
export const DEFAULT_ENVIRONMENT = 'dev';

const fixed = (check: Check<unknown>) => (value: unknown) => check(value);
/** A placeholder is the default itself. */
const isDefault = <T>(placeholder: T) => (value: T) => JSON.stringify(value) === JSON.stringify(placeholder);

/** The topologies, for the question and `--help`: the path, what it costs a month per environment, its limits and features. */
const TOPOLOGY_CHOICES = (Object.keys(TOPOLOGIES) as Topology[]).map((topology) => ({
  value: topology,
  title: TOPOLOGIES[topology].menu.title,
  description: TOPOLOGIES[topology].menu.hint,
}));

const DEFAULT_SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];

/** Every option, in the order the CLI asks for them (a default that reads another setting comes after it). */
export const REGISTRY: Registry = {
  topology: {
    kind: 'choice',
    choices: TOPOLOGY_CHOICES,
    default: Topology.ALB_LAMBDA,
    summary: 'alb-lambda | apigw-vpce | apigw-private-domain: how requests reach the handlers',
    check: fixed(checkOneOf(TOPOLOGY_CHOICES.map((c) => c.value))),
    cli: { flag: '--topology', question: 'How should requests reach your API?' },
  },
  frontend: {
    kind: 'boolean',
    default: false,
    summary: 'also serve a single-page app under the same host name (--no-frontend: API only)',
    dependsOn: ['topology'],
    check: (value, settings) => checkBoolean(value) ?? (value === true && !TOPOLOGIES[settings.topology]?.frontend
      ? `the topology "${settings.topology}" serves the API only, with no load balancer to serve the app from; ` +
        `choose ${quoted(topologiesWith('frontend'), 'or')} for a frontend, or leave it off.`
      : undefined),
    cli: {
      flag: '--frontend',
      question: 'Serve a single-page web app next to the API (same host name, no CORS)?',
      // Not asked where it cannot be had; given anyway (flag, answers file), it is refused.
      when: (settings) => TOPOLOGIES[settings.topology]?.frontend === true,
    },
  },
  domain: {
    kind: 'string',
    default: 'app.internal.example.com',
    placeholder: isDefault('app.internal.example.com'),
    perEnvironment: true,
    summary: 'host name users type, e.g. myapp.internal.example.com',
    check: fixed(checkDomain),
    cli: {
      flag: '--domain',
      metavar: '<fqdn>',
      question: 'Host name users will type',
      hint: 'e.g. myapp.internal.example.com, in a Route 53 zone your network resolves',
    },
  },
  hostedZoneId: {
    kind: 'string',
    default: 'Z0123456789ABCDEFGHIJ',
    placeholder: isDefault('Z0123456789ABCDEFGHIJ'),
    perEnvironment: true,
    summary: 'Route 53 hosted zone that holds the domain',
    check: fixed(checkHostedZoneId),
    cli: {
      flag: '--hosted-zone-id',
      metavar: '<id>',
      question: 'Route 53 hosted zone id for that name',
      hint: (settings) => `the zone that holds ${settings.domain}, usually a private hosted zone associated with the VPC`,
    },
  },
  account: {
    kind: 'string',
    default: '123456789012',
    placeholder: isDefault('123456789012'),
    perEnvironment: true,
    summary: 'AWS account id (12 digits)',
    check: fixed(checkAccount),
    cli: { flag: '--account', metavar: '<12 digits>', question: 'AWS account id' },
  },
  region: {
    kind: 'string',
    default: 'eu-west-1',
    perEnvironment: true,
    summary: 'AWS region, e.g. eu-west-1',
    check: fixed(checkRegion),
    cli: { flag: '--region', metavar: '<aws region>', question: 'AWS region' },
  },
  certificateArn: {
    kind: 'string',
    default: (settings) => defaultCertificateArn(settings.region, settings.account),
    placeholder: (value) => value.endsWith(PLACEHOLDER_CERTIFICATE_ID),
    perEnvironment: true,
    dependsOn: ['region', 'account'],
    summary: 'ACM certificate for the domain, in the same region and account',
    check: (value, settings) => checkCertificateArn(settings.region, settings.account)(value),
    cli: {
      flag: '--certificate-arn',
      metavar: '<arn>',
      question: 'ACM certificate ARN for the host name',
      hint: (settings) => `in ${settings.region} and account ${settings.account}, the region and account above`,
    },
  },
  vpcId: {
    kind: 'string',
    default: 'vpc-0123456789abcdef0',
    placeholder: isDefault('vpc-0123456789abcdef0'),
    perEnvironment: true,
    summary: 'the VPC your corporate network reaches (vpc-…)',
    check: fixed(checkVpcId),
    cli: { flag: '--vpc-id', metavar: '<vpc-…>', question: 'VPC id (the VPC your VPN / Direct Connect reaches)' },
  },
  subnetIds: {
    kind: 'list',
    default: DEFAULT_SUBNETS,
    placeholder: (value) => value.some((id) => DEFAULT_SUBNETS.includes(id)),
    perEnvironment: true,
    summary: 'private subnets, comma-separated: at least two, in different availability zones',
    check: fixed(checkSubnetIds),
    cli: {
      flag: '--subnet-ids',
      metavar: '<subnet-…,subnet-…>',
      question: 'Private subnet ids, comma-separated',
      hint: 'at least two, in different availability zones',
    },
  },
  corporateCidrs: {
    kind: 'list',
    default: ['10.0.0.0/8'],
    perEnvironment: true,
    summary: 'on-premises CIDRs allowed in, comma-separated',
    check: fixed(checkCorporateCidrs),
    cli: {
      flag: '--corporate-cidrs',
      metavar: '<cidr,…>',
      question: 'On-premises CIDR ranges allowed in, comma-separated',
      hint: 'the ranges that reach AWS over VPN or Direct Connect; never 0.0.0.0/0',
    },
  },
  production: {
    kind: 'boolean',
    default: false,
    perEnvironment: true,
    summary: 'a production environment: deletion protection on the load balancer, if any (--no-production: off)',
    check: fixed(checkBoolean),
    cli: { flag: '--production', question: 'Is this the production environment (deletion protection on the load balancer)?' },
  },
  vpcEndpointId: {
    kind: 'string',
    perEnvironment: true,
    dependsOn: ['topology'],
    summary: 'an existing execute-api VPC endpoint (vpce-…) for the apigw-* topologies; default: create one',
    check: (value, settings) => {
      if (value === undefined) return undefined;
      if (!TOPOLOGIES[settings.topology]?.executeApiEndpoint) {
        return `applies only to the topologies ${quoted(topologiesWith('executeApiEndpoint'), 'and')}; ` +
          'remove it or choose one of them.';
      }
      return checkVpcEndpointId(value);
    },
    cli: {
      flag: '--vpc-endpoint-id',
      metavar: '<vpce-…>',
      question: 'Existing execute-api VPC endpoint id (leave empty to create one)',
      hint: 'in the subnets above; never one that serves a public custom domain name',
      when: (settings) => TOPOLOGIES[settings.topology]?.executeApiEndpoint === true,
    },
  },
  handlerEgress: {
    kind: 'list',
    summary: 'run the API function in the VPC, allowed to reach only these on-premises destinations (cidr:port,…); default: outside the VPC',
    check: fixed(checkHandlerEgress),
    cli: {
      flag: '--handler-egress',
      metavar: '<cidr:port,…>',
      question: 'On-premises destinations for the API (cidr:port, comma-separated; empty: none, outside the VPC)',
      hint: 'e.g. 10.20.0.0/16:5432; the subnets need routes to them, and a NAT or endpoints for AWS APIs',
    },
    // The config holds them parsed (see validate.ts), empty when the function runs outside the VPC.
    config: { name: 'handlerDestinations', value: (value) => (value ?? []).map(parseDestinationOrThrow) },
  },
  reservedConcurrency: {
    kind: 'number',
    summary: 'concurrent executions reserved for the API function; default: none (needs the account quota above 100)',
    check: fixed(checkReservedConcurrency),
    cli: {
      flag: '--reserved-concurrency',
      metavar: '<n>',
      question: 'Reserved concurrency for the API (empty: none)',
      hint: 'a guaranteed share and a ceiling; a new account\'s low concurrency quota may refuse it',
    },
  },
  auth: {
    kind: 'auth',
    perEnvironment: true,
    // The secret is read in the environment's region; sign-in needs a load balancer.
    dependsOn: ['region', 'topology'],
    summary: 'sign users in at the load balancer with the company\'s identity provider (OpenID Connect)',
    check: (value, settings) => (isAuthOn(value) && !TOPOLOGIES[settings.topology]?.signIn
      ? `the topology "${settings.topology}" has no load balancer to sign users in at${value.machine ? ' or to verify machine callers\' tokens at' : ''}; ` +
        `choose ${quoted(topologiesWith('signIn'), 'or')} for sign-in${value.machine ? ' and machine callers' : ''}, or an IAM or Lambda authorizer on the API.`
      : undefined),
  },
  qualifier: {
    kind: 'string',
    perEnvironment: true,
    summary: 'the bootstrap qualifier of the account and region (cdk bootstrap --qualifier)',
    check: fixed(checkQualifier),
  },
  deployRoleArn: {
    kind: 'string',
    perEnvironment: true,
    dependsOn: ['account'],
    summary: 'the IAM role the deploy workflow assumes, through GitHub\'s OIDC provider',
    check: (value, settings) => checkDeployRoleArn(settings.account)(value),
  },
  permissionsBoundary: {
    kind: 'string',
    perEnvironment: true,
    // A policy ARN with an account must be in the environment's.
    dependsOn: ['account'],
    summary: 'a permissions boundary (managed policy name or ARN) on every IAM role of the app',
    check: (value, settings) => checkPermissionsBoundary(settings.account)(value),
    cli: { flag: '--permissions-boundary', metavar: '<name|arn>', question: 'Permissions boundary for every IAM role (empty: none)', ask: false },
  },
  tags: {
    kind: 'tags',
    perEnvironment: true,
    summary: 'tags on every taggable resource, comma-separated key=value pairs',
    check: fixed(checkTags),
    cli: { flag: '--tags', metavar: '<key=value,…>', question: 'Tags for every resource, key=value comma-separated (empty: none)', ask: false },
  },
  nagPacks: {
    kind: 'list',
    default: [],
    summary: `cdk-nag packs checked beside AwsSolutions, comma-separated: ${NAG_PACK_NAMES.join(', ')}`,
    check: fixed(checkNagPacks),
    cli: { flag: '--nag-packs', metavar: '<pack,…>', question: 'Extra cdk-nag packs, comma-separated (empty: none)', ask: false },
  },
  npmRegistry: {
    kind: 'string',
    summary: 'the npm registry the repo installs from (its .npmrc), an https URL without credentials',
    check: fixed(checkNpmRegistry),
    cli: { flag: '--npm-registry', metavar: '<url>', question: 'npm registry URL (empty: npm\'s default)', ask: false },
    // The repo's .npmrc, not the infrastructure's config.
    config: false,
  },
  environments: {
    kind: 'environments',
    default: [{ name: DEFAULT_ENVIRONMENT }],
    summary: 'the environments, in deploy order: a name and what each sets for itself',
    check: (value) => {
      if (!Array.isArray(value)) return 'must be a list of { name, … }.';
      return value.length === 0 ? 'needs at least one environment, e.g. [{ name: \'dev\' }].' : undefined;
    },
  },
  switchedOffChecks: {
    kind: 'checks',
    default: [],
    summary: 'managed infrastructure checks this app does without, each with its reason',
    check: (value) => (Array.isArray(value) ? undefined : 'must be a list of { id, reason }.'),
  },
};

/** The options, in registry order. */
export const SETTING_KEYS = Object.keys(REGISTRY) as SettingKey[];

/** The options an environment may set, in registry order. */
export const ENVIRONMENT_KEYS = SETTING_KEYS.filter((key): key is EnvironmentKey => REGISTRY[key].perEnvironment === true);

/** What an entry of `environments` may hold. */
export const ENVIRONMENT_FIELDS: readonly string[] = ['name', ...ENVIRONMENT_KEYS];

/** Whether a value of `auth` turns sign-in on (an object; `false` and absent are off). */
export function isAuthOn(value: unknown): value is OidcAuthSettings {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A destination of `handlerEgress`, parsed; only valid settings are resolved for the config. */
function parseDestinationOrThrow(entry: string): Destination {
  const destination = parseDestination(entry);
  if (!destination) throw new Error(`${show(entry)} is not a destination (it was checked before)`);
  return destination;
}

/** What the sign-in's fields are: required unless they have a default; asked by the CLI when they have a question. */
interface AuthField {
  /** The validator; `region` is the environment's (a secret's ARN must be in it). */
  readonly check: (value: unknown, region: string) => string | undefined;
  /** What the generated config holds when the field is left out. @default - required */
  readonly default?: unknown;
  /** The CLI's question. @default - not asked: set it in `.projenrc.ts` */
  readonly question?: string;
  /** Read from the issuer's discovery document, and offered as the answer (see src/cli/discovery.ts). */
  readonly discovered?: boolean;
  /** Left out, the app does without it (no default, not required). @default false */
  readonly optional?: boolean;
  /** The value the generated config holds, with the field's own defaults applied. @default - as given */
  readonly resolve?: (value: unknown) => unknown;
}

/**
 * The fields of `auth`, in the order they are asked and shown. The session lasts an hour: a
 * person who leaves the company loses access within the hour (the load balancer's own default,
 * 7 days, outlives an account's removal by a week), and the sign-in that follows is silent while
 * the provider's own session lasts.
 */
export const AUTH_FIELDS: { readonly [K in keyof OidcAuthSettings]-?: AuthField } = {
  issuer: { check: checkIssuer, question: 'Identity provider\'s issuer URL' },
  authorizationEndpoint: { check: checkHttpsUrl, question: 'Its authorization endpoint', discovered: true },
  tokenEndpoint: { check: checkHttpsUrl, question: 'Its token endpoint', discovered: true },
  userInfoEndpoint: { check: checkHttpsUrl, question: 'Its user info endpoint', discovered: true },
  clientId: { check: checkClientId, question: 'The app\'s client id' },
  clientSecret: { check: (value, region) => checkSecretReference(region)(value), question: 'Secrets Manager secret (name or ARN) holding the client secret' },
  scope: { check: checkScope, default: 'openid email profile' },
  sessionTimeout: { check: checkSessionTimeout, default: 3600 },
  providerCidrs: { check: checkProviderCidrs, default: ['0.0.0.0/0'] },
  // Checked field by field by checkAuth (checkMachine); `.projenrc.ts` and the answers file only.
  machine: {
    check: (value) => checkMachine(value)[0]?.message,
    optional: true,
    resolve: (value) => {
      const machine = value as MachineAuthSettings;
      return { claims: [], jwksCidrs: ['0.0.0.0/0'], ...machine };
    },
  },
};

/** A flag-and-question setting, flattened for the CLI: its key, its entry, its `cli` part. */
export type SettingSpec = Omit<EntryBase<ScalarKey>, 'cli' | 'placeholder'> & CliSpec & {
  readonly key: ScalarKey;
  /** No built-in default: left out, the app does without (an empty answer leaves it out). */
  readonly optional: boolean;
};

/** The settings that are CLI flags and questions, in the order the CLI asks for them. */
export const SETTINGS: readonly SettingSpec[] = SETTING_KEYS.flatMap((key): SettingSpec[] => {
  const entry = REGISTRY[key] as EntryBase<ScalarKey> & { default?: unknown };
  if (!entry.cli) return [];
  const { cli, placeholder: _placeholder, ...rest } = entry;
  return [{ ...rest, ...cli, key: key as ScalarKey, optional: entry.default === undefined }];
});
