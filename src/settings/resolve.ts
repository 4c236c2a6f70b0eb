import { EnvironmentSettings, HybridServerlessSettings, MachineAuthSettings, MachineClaim, OidcAuthSettings, SwitchedOffCheck } from '../options';
import { checkEnvironmentName, checkMachine, checkProjectNameAllowingCapitals, checkSwitchedOffCheck, didYouMean, show } from '../validate';
import {
  AUTH_FIELDS, ENVIRONMENT_FIELDS, ENVIRONMENT_KEYS, EntriesKey, isAuthOn, REGISTRY, ResolvedEnvironment, ResolvedSettings,
  SETTING_KEYS, SettingKey,
} from './registry';

/**
 * Resolution: the given settings, layer over layer, with the registry's defaults under them,
 * checked by the registry's validators. One pass serves the project type (`.projenrc.ts`), the
 * CLI (its answers file, flags and prompts) and a company preset (src/preset/: defaults and locked
 * values between the built-in defaults and the team's own).
 */

/** A problem with one setting, named by its option (`subnetIds`, `auth.clientId`, `environments[1].region`). */
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

/**
 * Values given by one source. Later layers win over earlier ones, setting by setting (a list,
 * `environments` included, is replaced whole). Under every layer are the built-in defaults.
 */
export interface SettingsLayer {
  /** Who gave them, for messages: `.projenrc.ts`, `answers.json`, `the preset @acme/platform`. */
  readonly source: string;
  readonly values: HybridServerlessSettings;
  /**
   * Settings this layer fixes: a later layer that gives another value is refused, naming this one (and so is an
   * environment of a later layer that sets a locked per-environment setting to another value).
   */
  readonly locked?: readonly SettingKey[];
  /** The other way out of a refused value, for the message: `or ask the preset's owners to …`. @default - none */
  readonly lockHint?: string;
}

/** Every setting resolved once, with where each given value came from and every problem. */
export interface Resolution {
  /** The app-wide settings, defaults applied (the per-environment ones as the top level has them). */
  readonly settings: ResolvedSettings;
  /** The environments in deploy order, each with its own values, else the top level's. */
  readonly environments: readonly ResolvedEnvironment[];
  readonly switchedOffChecks: readonly SwitchedOffCheck[];
  /** The layers merged: what was given, without the defaults. */
  readonly given: HybridServerlessSettings;
  /** The source of each given setting (the last layer that gave it). */
  readonly sources: Partial<Record<SettingKey, string>>;
  /** Every problem, in registry order: empty when the settings are valid. */
  readonly problems: readonly SettingProblem[];
}

/** Plain data copied, so that a default is never shared (and changed) between two resolutions. */
const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

/** The built-in default of a setting, with the settings before it resolved. */
function defaultOf(key: SettingKey, before: ResolvedSettings): unknown {
  const fallback = (REGISTRY[key] as { default?: unknown }).default;
  return typeof fallback === 'function' ? fallback(before) : copy(fallback);
}

const isEntries = (key: SettingKey): key is EntriesKey => key === 'environments' || key === 'switchedOffChecks';

/** The given settings with the defaults applied (without checking them). */
export function withDefaults(given: HybridServerlessSettings): ResolvedSettings {
  const resolved: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (isEntries(key)) continue;
    const value = given[key] ?? defaultOf(key, resolved as ResolvedSettings);
    // `auth: false` is no sign-in: absent once resolved.
    if (value !== undefined && (key !== 'auth' || isAuthOn(value))) resolved[key] = value;
  }
  return resolved as ResolvedSettings;
}

/** The environments, each resolved from its own settings and the top-level ones. */
export function resolveEnvironments(given: HybridServerlessSettings): ResolvedEnvironment[] {
  const entries: readonly EnvironmentSettings[] = Array.isArray(given.environments) && given.environments.length > 0
    ? given.environments
    : defaultOf('environments', withDefaults(given)) as EnvironmentSettings[];
  return entries.map((entry) => {
    const own = Object.fromEntries(Object.entries(entry ?? {}).filter(([, value]) => value !== undefined));
    const inherited: Record<string, unknown> = { ...given };
    // A placeholder whose default follows other settings (the certificate's, their region and
    // account) follows this environment's, as the default would: it is not a value to inherit.
    for (const key of ENVIRONMENT_KEYS) {
      const { default: fallback, placeholder } = REGISTRY[key] as { default?: unknown; placeholder?: (value: unknown) => boolean };
      if (typeof fallback === 'function' && inherited[key] !== undefined && placeholder?.(inherited[key])) delete inherited[key];
    }
    const resolved = withDefaults({ ...inherited, ...own } as HybridServerlessSettings) as Record<string, unknown>;
    const environment: Record<string, unknown> = { name: (entry as { name?: unknown })?.name };
    for (const key of ENVIRONMENT_KEYS) if (resolved[key] !== undefined) environment[key] = resolved[key];
    return environment as ResolvedEnvironment;
  });
}

/** Machine callers with the defaults of their fields applied. */
export type ResolvedMachineAuth = MachineAuthSettings & { readonly claims: MachineClaim[]; readonly jwksCidrs: string[] };
/** Sign-in with every default applied; machine callers only when given. */
export type ResolvedAuth = Required<Omit<OidcAuthSettings, 'machine'>> & { readonly machine?: ResolvedMachineAuth };

/** Sign-in with every default of its fields applied: what the generated config holds. */
export function resolveAuth(auth: OidcAuthSettings): ResolvedAuth {
  const resolved: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(AUTH_FIELDS)) {
    const given = (auth as unknown as Record<string, unknown>)[field];
    const value = given === undefined ? copy(spec.default) : (spec as { resolve?: (v: unknown) => unknown }).resolve?.(given) ?? given;
    if (value !== undefined) resolved[field] = value;
  }
  return resolved as unknown as ResolvedAuth;
}

/** Merges the layers, later ones winning, and refuses a value that changes one an earlier layer locked. */
function merge(layers: readonly SettingsLayer[]): Pick<Resolution, 'given' | 'sources' | 'problems'> {
  const given: Record<string, unknown> = {};
  const sources: Partial<Record<SettingKey, string>> = {};
  const lockedBy = new Map<SettingKey, SettingsLayer>();
  const problems: SettingProblem[] = [];
  for (const layer of layers) {
    for (const key of SETTING_KEYS) {
      // Only the settings: the project type's options hold projen's too.
      const value = layer.values[key];
      if (value === undefined) continue;
      const lock = lockedBy.get(key);
      if (lock && JSON.stringify(value) !== JSON.stringify(given[key])) {
        problems.push({ key, message: lockMessage(key, value, given[key], layer, lock) });
        continue;
      }
      given[key] = value;
      sources[key] = layer.source;
    }
    for (const key of layer.locked ?? []) lockedBy.set(key, layer);
  }
  // A locked setting holds in every environment: an environment of a later layer may repeat it, not change it.
  const environments = Array.isArray(given.environments) ? given.environments as unknown[] : [];
  const environmentsFrom = layers.find((layer) => layer.source === sources.environments);
  for (const [key, lock] of lockedBy) {
    if (!(ENVIRONMENT_KEYS as readonly string[]).includes(key) || environmentsFrom === lock) continue;
    environments.forEach((entry, i) => {
      const own = (entry as Record<string, unknown> | null)?.[key];
      if (own !== undefined && JSON.stringify(own) !== JSON.stringify(given[key])) {
        problems.push({ key: `environments[${i}].${key}`, message: lockMessage(`environments[${i}].${key}`, own, given[key], environmentsFrom!, lock) });
      }
    });
  }
  return { given: given as HybridServerlessSettings, sources, problems };
}

/** A value a locked layer refuses: who sets what, who locks it to what, and the ways out. */
function lockMessage(key: string, value: unknown, locked: unknown, layer: SettingsLayer, lock: SettingsLayer): string {
  return `${layer.source} sets ${show(value)}, but ${lock.source} locks it to ${show(locked)}. Remove ${key} from ` +
    `${layer.source} (the locked value applies)${lock.lockHint ? `, ${lock.lockHint}` : ''}.`;
}

/** Resolves the layers once: the settings, the environments, where each value came from, every problem. */
export function resolve(layers: readonly SettingsLayer[]): Resolution {
  const merged = merge(layers);
  const settings = withDefaults(merged.given);
  const switchedOffChecks = Array.isArray(merged.given.switchedOffChecks) ? merged.given.switchedOffChecks : [];
  return {
    ...merged,
    settings,
    environments: resolveEnvironments(merged.given),
    switchedOffChecks,
    problems: [...merged.problems, ...settingProblems(merged.given, settings)],
  };
}

/**
 * Every problem with the given settings, in registry order: each given value (or default) gets
 * its entry's check and, for the nested kinds, the checks of what it holds.
 */
export function settingProblems(given: HybridServerlessSettings, settings: ResolvedSettings = withDefaults(given)): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const key of SETTING_KEYS) {
    // The nested kinds are checked as given (`auth: true` is an error, not no sign-in); the others as resolved.
    const value = REGISTRY[key].kind === 'auth' || isEntries(key) ? given[key] : (settings as Record<string, unknown>)[key];
    if (value !== undefined) problems.push(...problemsOf(key, value, settings, key, given));
  }
  return problems;
}

/** The problems of one setting's value, named from `at`: its entry's check, and the checks of its kind. */
function problemsOf(key: SettingKey, value: unknown, settings: ResolvedSettings, at: string, given: HybridServerlessSettings): SettingProblem[] {
  const entry = REGISTRY[key];
  const own = () => {
    const message = entry.check(value, settings);
    return message ? [{ key: at, message }] : [];
  };
  switch (entry.kind) {
    case 'auth': {
      // Its fields first; whether the topology can sign in at all once they are right.
      const fields = checkAuth(value, settings.region).map((problem) => ({ key: problem.field ? `${at}.${problem.field}` : at, message: problem.message }));
      return fields.length > 0 ? fields : own();
    }
    case 'environments': {
      const list = own();
      return list.length > 0 ? list : environmentEntryProblems(value as unknown[], given, settings);
    }
    case 'checks': {
      const list = own();
      return list.length > 0 ? list : (value as unknown[]).flatMap((check, i) => {
        const problem = checkSwitchedOffCheck(check, (value as unknown[]).slice(0, i));
        return problem ? [{ key: `${at}[${i}]${problem.field ? `.${problem.field}` : ''}`, message: problem.message }] : [];
      });
    }
    default:
      return own();
  }
}

/**
 * The environments' problems, named by environment (`environments[1].subnetIds`): each one's own
 * values get the checks of the top-level settings (and so does a setting whose value follows one
 * it sets: the certificate after its region), its name must be valid and unique, and nothing
 * unknown may hide a typo.
 */
function environmentEntryProblems(entries: readonly unknown[], given: HybridServerlessSettings, settings: ResolvedSettings): SettingProblem[] {
  const environments = resolveEnvironments(given);
  const problems: SettingProblem[] = [];
  entries.forEach((entry, i) => {
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
    if (nameProblem) {
      problems.push({ key: `${at}.name`, message: nameProblem });
    } else if (entries.slice(0, i).some((other) => (other as { name?: unknown } | null)?.name === own.name)) {
      problems.push({ key: `${at}.name`, message: `"${own.name}" names two environments; names must be unique.` });
    }
    const environment = environments[i] as Record<string, unknown>;
    const asSettings = { ...settings, ...environment } as ResolvedSettings;
    for (const key of ENVIRONMENT_KEYS) {
      const sets = own[key] !== undefined || (REGISTRY[key].dependsOn ?? []).some((other) => own[other] !== undefined);
      // Sign-in as given (its own, or the inherited one, to be checked in its region); the others as resolved.
      const value = REGISTRY[key].kind === 'auth' ? own.auth ?? given.auth : environment[key];
      if (sets && value !== undefined) problems.push(...problemsOf(key, value, asSettings, `${at}.${key}`, given));
    }
  });
  return problems;
}

/**
 * `auth`: `false` (or left out) for no sign-in, or the provider's details (`AUTH_FIELDS`). Returns
 * every problem, each naming the field at fault (`tokenEndpoint`), or none for the value as a whole.
 */
export function checkAuth(value: unknown, region: string): Array<{ field?: string; message: string }> {
  if (value === undefined || value === false) return [];
  const fields = Object.keys(AUTH_FIELDS);
  if (!isAuthOn(value)) {
    const required = fields.filter((field) => (AUTH_FIELDS as Record<string, { default?: unknown; optional?: boolean }>)[field].default === undefined
      && !(AUTH_FIELDS as Record<string, { optional?: boolean }>)[field].optional);
    return [{ message: `${show(value)} must be false (no sign-in) or the provider's details: { ${required.join(', ')} }.` }];
  }
  const auth = value as unknown as Record<string, unknown>;
  const problems: Array<{ field?: string; message: string }> = [];
  for (const field of Object.keys(auth).filter((key) => !fields.includes(key))) {
    problems.push({ field, message: `is not a field of auth.${didYouMean(field, fields)} They are ${fields.join(', ')}.` });
  }
  for (const [field, spec] of Object.entries(AUTH_FIELDS)) {
    if (auth[field] === undefined) {
      if (spec.default === undefined && !spec.optional) problems.push({ field, message: 'is required: find it in the provider\'s registration of the app.' });
      continue;
    }
    if (field === 'machine') {
      problems.push(...checkMachine(auth.machine).map((problem) => ({ field: problem.field ? `machine.${problem.field}` : 'machine', message: problem.message })));
      continue;
    }
    const message = spec.check(auth[field], region);
    if (message) problems.push({ field, message });
  }
  return problems;
}

/**
 * Resolves and validates the settings of `.projenrc.ts` (or the CLI's answers); throws an
 * `InvalidSettingsError` listing every problem. `name`, when given, is checked too: it reaches
 * the README, the page title and the stack name.
 */
export function resolveSettings(settings: HybridServerlessSettings & { name?: string }, context: string,
  layers: readonly SettingsLayer[] = []): Resolution {
  const { name, ...values } = settings;
  const resolution = resolve([...layers, { source: '.projenrc.ts', values }]);
  const nameProblem = 'name' in settings ? checkProjectNameAllowingCapitals(name) : undefined;
  const problems = [...(nameProblem ? [{ key: 'name', message: nameProblem }] : []), ...resolution.problems];
  if (problems.length > 0) throw new InvalidSettingsError(problems, context);
  return resolution;
}

/** The settings that still hold a placeholder, which `cdk deploy` would fail on, in registry order. */
export function placeholdersIn(settings: ResolvedSettings): SettingKey[] {
  return SETTING_KEYS.filter((key) => {
    const placeholder = REGISTRY[key].placeholder as ((value: unknown) => boolean) | undefined;
    const value = (settings as Record<string, unknown>)[key];
    return placeholder !== undefined && value !== undefined && placeholder(value);
  });
}

/**
 * The settings as `.projenrc.ts` shows them: every setting with a default at its value (so the
 * team sees what it can change: the environments too), the others as given (the sign-in when
 * on, the switched-off checks when there are any). With a layer in `exclude` (a preset), only what
 * the other layers gave: the preset's values, and the built-in defaults under them, stay out, so
 * that the preset's next version reaches the repo (a default it adds applies, a value it locks
 * later does not meet a built-in default written here, a placeholder certificate follows its region).
 */
export function settingsToWrite(resolution: Resolution, exclude: readonly string[] = []): HybridServerlessSettings {
  const written: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const source = resolution.sources[key];
    if (source !== undefined && exclude.includes(source)) continue;
    if (source === undefined && exclude.length > 0) continue;
    const given = resolution.given[key];
    const value = key === 'environments' ? resolution.given.environments ?? defaultOf(key, resolution.settings)
      : key === 'switchedOffChecks' || key === 'auth' ? given : (resolution.settings as Record<string, unknown>)[key];
    if (value === undefined || (key === 'auth' && !isAuthOn(value)) || (key === 'switchedOffChecks' && (value as unknown[]).length === 0)) continue;
    written[key] = value;
  }
  return written as HybridServerlessSettings;
}

/**
 * One environment as the generated config (`src/hybrid/config.ts`) holds it: its name, then every
 * setting in registry order (its own value where it may set one, else the app's), under the
 * config's name for it (`handlerDestinations`, parsed, for `handlerEgress`), sign-in with its
 * defaults applied; what is absent stays out.
 */
export function configOf(settings: ResolvedSettings, environment: ResolvedEnvironment): Record<string, unknown> {
  const config: Record<string, unknown> = { name: environment.name };
  for (const key of SETTING_KEYS) {
    if (isEntries(key)) continue;
    const entry = REGISTRY[key];
    if (entry.config === false) continue;
    const value = (entry.perEnvironment ? environment : settings as Record<string, unknown>)[key as keyof ResolvedEnvironment];
    const held = entry.config ? (entry.config.value as (value: unknown) => unknown)(value)
      : entry.kind === 'auth' && value !== undefined ? resolveAuth(value as OidcAuthSettings) : value;
    if (held !== undefined) config[entry.config?.name ?? key] = held;
  }
  return config;
}
