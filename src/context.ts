import type { HybridConfig } from './constructs/config';
import { packAcknowledgementRows, PackAcknowledgementRow } from './constructs/pack-acknowledgements';
import { SwitchedOffCheck, Topology } from './options';
import { configOf, placeholdersIn, resolveAuth, ResolvedAuth, ResolvedEnvironment, ResolvedSettings, SETTINGS } from './settings';
import { IN_BUILD_ENV } from './tasks';
import { dependencyRows, INSTALL_SCRIPTS, RaisedDependency } from './tested-set';
import {
  Acknowledgement, CUSTOM_RESOURCE_ACKNOWLEDGEMENT, ENDPOINT_LOOKUP_ACKNOWLEDGEMENT, EVENT_SHAPES, EventShape, TOPOLOGIES, TopologySpec,
} from './topologies';
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
  /** The chosen topology's spec (src/topologies.ts), with its name: templates ask it, never compare names. */
  readonly topology: TopologySpec & { readonly name: Topology };
  /** Every topology's name and spec, in the CLI's order (the docs' table). */
  readonly topologies: ReadonlyArray<TopologySpec & { readonly name: Topology }>;
  /** What `npx projen dev` says of the event it delivers, and what invokes the function with it. */
  readonly eventLabel: string;
  readonly eventInvoker: string;
  /** Every event shape (the dev server's type). */
  readonly eventShapes: readonly EventShape[];
  readonly frontend: boolean;
  /** Whether interface endpoints are created (an `execute-api` endpoint, or the frontend's S3 endpoint). */
  readonly endpoints: boolean;
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
  /** The cdk-nag rules acknowledged in this app, where, and why: for the README's Security section. */
  readonly acknowledgements: readonly Acknowledgement[];
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
    /** What its landing zone requires (permissions boundary, tags), for the docs; false when nothing. */
    readonly landingZone: ReturnType<typeof landingZoneOf>;
    /** Its sign-in with the defaults applied, or false for none. */
    readonly signIn: ResolvedAuth | false;
    /** It as the generated config holds it (`configOf`: every setting of the registry, in its order). */
    readonly config: Record<string, unknown>;
  }>;
  /** Whether any environment signs users in at the load balancer. */
  readonly auth: boolean;
  /** Whether every environment does. */
  readonly authEverywhere: boolean;
  /** Whether any environment takes machine callers' bearer tokens (`auth.machine`). */
  readonly machine: boolean;
  /** Whether there is more than one environment. */
  readonly severalEnvironments: boolean;
  /** Whether any environment has a permissions boundary or required tags. */
  readonly landingZone: boolean;
  /** The extra cdk-nag packs, if any. */
  readonly nagPacks: readonly string[];
  /** What the managed constructs acknowledge of those packs' findings in these environments, where, and why. */
  readonly packAcknowledgements: readonly PackAcknowledgementRow[];
  /** The direct dependencies at their tested versions (the team's raised ones marked), for the docs. */
  readonly dependencies: ReturnType<typeof dependencyRows>;
  /** What may run at install time (see src/tested-set.ts). */
  readonly installScripts: typeof INSTALL_SCRIPTS;
}

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
function acknowledgements(settings: ResolvedSettings, environments: readonly ResolvedEnvironment[]): Acknowledgement[] {
  const list: Acknowledgement[] = [
    ...TOPOLOGIES[settings.topology].acknowledgements({ existingEndpoint: Boolean(settings.vpcEndpointId), authWhy: authWhy(environments) }),
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
  if (settings.frontend) {
    // The S3 endpoint's IPs are looked up at deploy time, as the execute-api endpoint's are.
    for (const acknowledgement of [CUSTOM_RESOURCE_ACKNOWLEDGEMENT, ENDPOINT_LOOKUP_ACKNOWLEDGEMENT]) {
      if (!list.includes(acknowledgement)) list.push(acknowledgement);
    }
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
  const keys: readonly string[] = placeholdersIn({ ...settings, ...environment });
  return SETTINGS.filter((spec) => keys.includes(spec.key)).map((spec) => ({
    key: spec.key,
    question: spec.question,
    value: JSON.stringify(({ ...settings, ...environment } as Record<string, unknown>)[spec.key]),
  }));
}

export function templateContext(name: string, settings: ResolvedSettings,
  switchedOffChecks: readonly SwitchedOffCheck[] = [], environments: readonly ResolvedEnvironment[] = [],
  raised: readonly RaisedDependency[] = []): TemplateContext {
  const placeholderKeys = placeholdersIn(settings);
  const destinations = (settings.handlerEgress ?? []).map((entry) => parseDestination(entry)!);
  return {
    name,
    settings,
    stackName: pascalCase(name.replace(/^@[^/]+\//, '')),
    topology: { name: settings.topology, ...TOPOLOGIES[settings.topology] },
    topologies: (Object.keys(TOPOLOGIES) as Topology[]).map((topology) => ({ name: topology, ...TOPOLOGIES[topology] })),
    eventLabel: EVENT_SHAPES[TOPOLOGIES[settings.topology].event].label,
    eventInvoker: EVENT_SHAPES[TOPOLOGIES[settings.topology].event].invoker,
    eventShapes: Object.values(EventShape),
    frontend: settings.frontend,
    endpoints: TOPOLOGIES[settings.topology].executeApiEndpoint || settings.frontend,
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
      bootstrap: bootstrapArguments(environment),
      landingZone: landingZoneOf(environment),
      signIn: environment.auth ? resolveAuth(environment.auth) : false,
      config: configOf(settings, environment),
    })),
    severalEnvironments: environments.length > 1,
    landingZone: environments.some((environment) => landingZoneOf(environment) !== false),
    nagPacks: settings.nagPacks,
    packAcknowledgements: packAcknowledgementRows(environments.map((environment) => configOf(settings, environment) as unknown as HybridConfig)),
    auth: environments.some((environment) => environment.auth !== undefined),
    authEverywhere: environments.length > 0 && environments.every((environment) => environment.auth !== undefined),
    machine: environments.some((environment) => environment.auth?.machine !== undefined),
    dependencies: dependencyRows(raised),
    installScripts: INSTALL_SCRIPTS,
  };
}

/** A permissions boundary's name as `cdk bootstrap --custom-permissions-boundary` takes it: what follows `policy/`. */
function boundaryName(boundary: string): string {
  return boundary.startsWith('arn:') ? boundary.slice(boundary.indexOf(':policy/') + ':policy/'.length) : boundary;
}

/**
 * `cdk bootstrap`'s arguments for an environment: its account and region, its qualifier, and what its landing zone
 * requires of the bootstrap stack too (the boundary on every bootstrap role, the tags).
 */
function bootstrapArguments(environment: ResolvedEnvironment): string {
  return [
    `aws://${environment.account}/${environment.region}`,
    ...(environment.qualifier ? [`--qualifier ${environment.qualifier}`] : []),
    ...(environment.permissionsBoundary
      ? [`--custom-permissions-boundary ${boundaryName(environment.permissionsBoundary)} --apply-permissions-boundary-to-all-roles`]
      : []),
    ...Object.entries(environment.tags ?? {}).map(([key, value]) => `--tags ${shellWord(`${key}=${value}`)}`),
  ].join(' ');
}

/** A word for a POSIX shell: as it is when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** What the landing zone requires of an environment, for the docs; `false` when nothing. */
function landingZoneOf(environment: ResolvedEnvironment): false | { boundary: string | false; tags: string | false } {
  const tags = Object.entries(environment.tags ?? {});
  if (!environment.permissionsBoundary && tags.length === 0) return false;
  return {
    boundary: environment.permissionsBoundary ?? false,
    tags: tags.length > 0 ? tags.map(([key, value]) => `\`${key}\` = \`${value}\``).join(', ') : false,
  };
}
