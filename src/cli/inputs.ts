import * as fs from 'fs';
import * as path from 'path';
import { HybridServerlessSettings } from '../options';
import { InvalidSettingsError, ResolvedSettings, resolveSettings, SettingKey, SETTINGS, SettingSpec, withDefaults } from '../settings';
import { didYouMean } from '../validate';
import { splitList } from './args';
import { brief, messageOf, Problem } from './ui';

/** A setting's value and where it came from, so that a problem names the flag or key to fix. */
export interface Given {
  readonly value: unknown;
  /** `--domain`, `domain (in answers.json)`, … */
  readonly label: string;
}

export type GivenSettings = Partial<Record<SettingKey, Given>>;

/** The keys an answers file may hold: the settings, plus the project name. */
export const ANSWER_KEYS: readonly string[] = ['name', ...SETTINGS.map((spec) => spec.key), 'auth', 'environments'];

/** What an answers file holds. */
export interface Answers {
  readonly settings: Partial<Record<SettingKey, unknown>>;
  /** The project name (an npm package name), if given. */
  readonly name?: unknown;
  /** The environments (`environments` of the project type), if given. */
  readonly environments?: unknown;
  /** The sign-in (`auth` of the project type), if given. */
  readonly auth?: unknown;
}

export function answerLabel(file: string, key: string): string {
  return `${key} (in ${file})`;
}

/** The largest answers file read: a real one is a few hundred bytes. */
const MAX_ANSWERS_BYTES = 64 * 1024;
/** How deep an answers file may nest: an object of lists is 2. */
const MAX_DEPTH = 8;
/** The longest value a setting may have (a certificate ARN is about 90 characters). */
export const MAX_VALUE_LENGTH = 1000;
/** The most items a list may have. */
export const MAX_LIST_ITEMS = 100;

/** Reads at most `limit` bytes of a file (or a device, a pipe); `undefined` if there is more. */
function readBounded(file: string, limit: number): string | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > limit) return undefined;
    }
    return buffer.subarray(0, length).toString('utf-8');
  } finally {
    fs.closeSync(fd);
  }
}

/** How deeply a JSON value nests, counted without recursion (so any depth is measured safely). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Reads `--answers <file.json>`: a JSON object keyed by option name. Every problem (unreadable
 * file, bad JSON, unknown keys) is returned rather than thrown, to be reported with the rest.
 */
export function readAnswers(file: string, cwd: string): { answers: Answers; problems: Problem[] } {
  const empty = { answers: { settings: {} }, problems: [] as Problem[] };
  const refuse = (message: string) => ({ ...empty, problems: [{ label: '--answers', message }] });
  let text: string;
  try {
    const read = readBounded(path.resolve(cwd, file), MAX_ANSWERS_BYTES);
    if (read === undefined) {
      return refuse(`${brief(file)} is larger than ${MAX_ANSWERS_BYTES / 1024} KiB; an answers file holds a few settings, ` +
        'e.g. {"topology": "alb-lambda", "domain": "app.internal.example.com"}.');
    }
    text = read;
  } catch (error) {
    return refuse(`cannot read ${brief(file)}: ${messageOf(error)}.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return refuse(`${brief(file)} is not valid JSON: ${brief(messageOf(error)).slice(1, -1)}.`);
  }
  if (depthOf(data) > MAX_DEPTH) {
    return refuse(`${brief(file)} nests values more than ${MAX_DEPTH} levels deep; values are strings, booleans or lists of strings.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ...empty,
      problems: [{
        label: '--answers',
        message: `${brief(file)} must hold a JSON object keyed by option name, e.g. {"topology": "alb-lambda", "domain": "app.internal.example.com"}.`,
      }],
    };
  }

  const problems: Problem[] = [];
  const settings: Partial<Record<SettingKey, unknown>> = {};
  let name: unknown;
  let environments: unknown;
  let auth: unknown;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'name') {
      name = value;
    } else if (key === 'environments') {
      environments = value;
    } else if (key === 'auth') {
      auth = value;
    } else if (SETTINGS.some((spec) => spec.key === key)) {
      settings[key as SettingKey] = value;
    } else {
      problems.push({
        label: answerLabel(file, brief(key)),
        message: `unknown key.${didYouMean(key, ANSWER_KEYS)} Known keys: ${ANSWER_KEYS.join(', ')}.`,
      });
    }
  }
  return {
    answers: { settings, name, ...(environments === undefined ? {} : { environments }), ...(auth === undefined ? {} : { auth }) },
    problems,
  };
}

/** The project type's own problems with these settings that `keep` selects, each labelled `label: key`. */
function projectTypeProblems(settings: HybridServerlessSettings, label: string, keep: (key: string) => boolean): Problem[] {
  try {
    resolveSettings(settings, label);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    return error.problems.filter((problem) => keep(problem.key)).map((problem) => ({ label: `${label}: ${problem.key}`, message: problem.message }));
  }
}

/**
 * Problems with the environments (an answers file's `environments`, or the first environment's
 * name), checked by the project type's own validators with the other settings as defaults,
 * each named as `environments[1].subnetIds`.
 */
export function environmentsProblems(given: GivenSettings, environments: unknown, label: string): Problem[] {
  return projectTypeProblems({ ...valuesOf(given), environments } as HybridServerlessSettings, label, (key) => key.startsWith('environments'));
}

/**
 * Problems with the sign-in (an answers file's `auth`), checked by the project type's own
 * validators against the other settings (the region of a secret's ARN, the topology), each named
 * as `auth.clientSecret`.
 */
export function authProblems(given: GivenSettings, auth: unknown, label: string): Problem[] {
  return projectTypeProblems({ ...valuesOf(given), auth } as HybridServerlessSettings, label, (key) => key === 'auth' || key.startsWith('auth.'));
}

/**
 * Tidies a typed value before it is checked: strings trimmed, lists split on commas, whole
 * numbers for number settings, the domain lowercased (DNS names are case-insensitive). Anything
 * else goes to the check as is.
 */
export function normalize(spec: SettingSpec, value: unknown): unknown {
  if (spec.kind === 'list') {
    if (typeof value === 'string') return splitList(value);
    if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.trim() : item));
    return value;
  }
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  // Flags and prompts give text: a whole number typed for a number setting is that number.
  if (spec.kind === 'number' && /^-?\d{1,9}$/.test(trimmed)) return Number(trimmed);
  return spec.key === 'domain' ? trimmed.toLowerCase() : trimmed;
}

/** JSON gives numbers and nulls where the flags can only give strings: say so plainly. */
function typeProblem(spec: SettingSpec, value: unknown): string | undefined {
  if ((spec.kind === 'string' || spec.kind === 'choice') && typeof value !== 'string') {
    return `must be a string (in quotes), got ${brief(value)}.`;
  }
  if (spec.kind === 'list' && !Array.isArray(value)) {
    return `must be a list of strings (or one comma-separated string), got ${brief(value)}.`;
  }
  return sizeProblem(value);
}

/** Every value is bounded: no check ever sees (or echoes back) a megabyte. */
export function sizeProblem(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length > MAX_LIST_ITEMS) return `lists ${value.length} items; at most ${MAX_LIST_ITEMS}.`;
  const long = (Array.isArray(value) ? value : [value]).find((item) => typeof item === 'string' && item.length > MAX_VALUE_LENGTH);
  return long === undefined ? undefined : `${brief(long)} is too long; at most ${MAX_VALUE_LENGTH} characters.`;
}

/** Flags override the answers file; every value is normalized and labelled with its source. */
export function mergeSettings(
  flags: Partial<Record<SettingKey, unknown>>,
  answers: Partial<Record<SettingKey, unknown>>,
  answersFile?: string,
): GivenSettings {
  const given: GivenSettings = {};
  for (const spec of SETTINGS) {
    if (flags[spec.key] !== undefined) {
      given[spec.key] = { value: normalize(spec, flags[spec.key]), label: spec.flag };
    } else if (spec.key in answers) {
      given[spec.key] = { value: normalize(spec, answers[spec.key]), label: answerLabel(answersFile ?? 'answers', spec.key) };
    }
  }
  return given;
}

/**
 * Whether a setting not given needs an answer: optional settings may stay out, and a setting
 * that does not apply to the answers so far (`when`) is not asked.
 */
export function isWanted(spec: SettingSpec, given: GivenSettings): boolean {
  return spec.when?.(withDefaults(valuesOf(given))) ?? true;
}

/** The given values, as settings for `withDefaults`. */
export function valuesOf(given: GivenSettings): HybridServerlessSettings {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(given)) values[key] = entry.value;
  return values as HybridServerlessSettings;
}

export interface SettingsProblem extends Problem {
  readonly key: SettingKey;
}

/**
 * Every problem with the given settings, in registry order, each named by its label.
 * `complete`: the settings not given take their defaults (with `--yes` or `--answers`, or after
 * the prompts). Otherwise the prompts will ask for them, so a check that reads a missing
 * setting (the certificate's region) waits until it is answered.
 */
export function settingsProblems(given: GivenSettings, complete: boolean): SettingsProblem[] {
  const resolved: ResolvedSettings = withDefaults(valuesOf(given));
  const problems: SettingsProblem[] = [];
  const bad = new Set<SettingKey>();
  for (const spec of SETTINGS) {
    const entry = given[spec.key];
    if (!entry) continue;
    const deps = spec.dependsOn ?? [];
    if (!complete && deps.some((dep) => !given[dep])) continue;
    // A certificate cannot match a region that is itself wrong: report the region only.
    if (deps.some((dep) => bad.has(dep))) continue;
    const message = typeProblem(spec, entry.value) ?? spec.check(entry.value, resolved);
    if (message) {
      bad.add(spec.key);
      problems.push({ key: spec.key, label: entry.label, message });
    }
  }
  return problems;
}

/**
 * The problem with one typed answer, for a prompt's inline validation: its own check, and the
 * checks of settings already known that depend on it (a certificate given as a flag must match
 * the region typed now). The message names the other setting when it is the one in conflict.
 */
export function answerProblem(key: SettingKey, value: unknown, known: GivenSettings): string | undefined {
  const spec = SETTINGS.find((s) => s.key === key)!;
  const given: GivenSettings = { ...known, [key]: { value: normalize(spec, value), label: key } };
  const first = settingsProblems(given, false)
    .find((problem) => problem.key === key || (SETTINGS.find((other) => other.key === problem.key)?.dependsOn ?? []).includes(key));
  if (!first) return undefined;
  return first.key === key ? first.message : `${first.label}: ${first.message}`;
}

/**
 * What the generated repo installs this package from. It reaches `package.json` and
 * `.projenrc.ts`, so quotes, `$`, backslashes and control characters are refused; a relative
 * `file:` path is made absolute, because the new repo sits elsewhere.
 */
export function normalizePackageSpec(spec: string, cwd: string): { spec?: string; problem?: string } {
  const trimmed = spec.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || /[\u0000-\u001f\u007f"'`$\\]/.test(trimmed)) {
    return {
      problem: `${brief(spec)} is not an npm spec such as "^1.0.0", "latest" or "file:/path/to/create-hybrid-serverless-1.0.0.tgz" ` +
        '(no quotes, backticks, "$", backslashes or control characters).',
    };
  }
  const file = /^file:(.+)$/.exec(trimmed);
  if (file && !path.isAbsolute(file[1])) return normalizePackageSpec(`file:${path.resolve(cwd, file[1])}`, cwd);
  return { spec: trimmed };
}
