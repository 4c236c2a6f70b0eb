import * as fs from 'fs';
import * as path from 'path';
import { HybridServerlessSettings } from '../options';
import { ResolvedSettings, settingProblems, SettingKey, SETTING_KEYS, SETTINGS, SettingSpec, withDefaults } from '../settings';
import { didYouMean } from '../validate';
import { splitList } from './args';
import { brief, messageOf, Problem } from './ui';

/** A setting's value and where it came from, so that a problem names the flag or key to fix. */
export interface Given {
  readonly value: unknown;
  /** `--domain`, `domain (in answers.json)`, `domain` (asked), … */
  readonly label: string;
  /** From the company preset: a default (still asked, as the question's default) or locked (never asked). */
  readonly preset?: 'default' | 'locked';
}

export type GivenSettings = Partial<Record<SettingKey, Given>>;

/** The keys an answers file may hold: every setting (option names), plus the project name. */
export const ANSWER_KEYS: readonly string[] = ['name', ...SETTING_KEYS];

/** What an answers file holds. */
export interface Answers {
  /** Every setting it gives, by option name (the sign-in, the environments … included). */
  readonly settings: Partial<Record<SettingKey, unknown>>;
  /** The project name (an npm package name), if given. */
  readonly name?: unknown;
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
  for (const [key, value] of Object.entries(data)) {
    if (key === 'name') {
      name = value;
    } else if ((SETTING_KEYS as readonly string[]).includes(key)) {
      settings[key as SettingKey] = value;
    } else {
      problems.push({
        label: answerLabel(file, brief(key)),
        message: `unknown key.${didYouMean(key, ANSWER_KEYS)} Known keys: ${ANSWER_KEYS.join(', ')}.`,
      });
    }
  }
  return { answers: { settings, ...(name === undefined ? {} : { name }) }, problems };
}

/**
 * Tidies a typed value before it is checked: strings trimmed, lists split on commas, whole
 * numbers for number settings, the domain lowercased (DNS names are case-insensitive). Anything
 * else goes to the check as is.
 */
export function normalize(spec: SettingSpec, value: unknown): unknown {
  if (spec.kind === 'tags' && typeof value === 'string') return parseMap(value);
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

/**
 * `key=value,key=value` as an object (for `--tags`): each pair split at its first `=`, keys and values trimmed. A
 * pair without `=` is kept as a key without a value, for the check to name.
 */
export function parseMap(value: string): Record<string, string | undefined> {
  const map: Record<string, string | undefined> = {};
  for (const pair of splitList(value)) {
    const eq = pair.indexOf('=');
    map[(eq < 0 ? pair : pair.slice(0, eq)).trim()] = eq < 0 ? undefined : pair.slice(eq + 1).trim();
  }
  return map;
}

/** JSON gives numbers and nulls where the flags can only give strings: say so plainly. */
function typeProblem(spec: SettingSpec, value: unknown): string | undefined {
  if ((spec.kind === 'string' || spec.kind === 'choice') && typeof value !== 'string') {
    return `must be a string (in quotes), got ${brief(value)}.`;
  }
  if (spec.kind === 'list' && !Array.isArray(value)) {
    return `must be a list of strings (or one comma-separated string), got ${brief(value)}.`;
  }
  if (spec.kind === 'tags') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return `must be key=value pairs, e.g. CostCenter=1234,Owner=team-a (an object in JSON), got ${brief(value)}.`;
    }
    const bare = Object.entries(value).find(([, item]) => item === undefined);
    if (bare) return `${brief(bare[0])} has no value: write it as key=value, e.g. ${bare[0]}=….`;
    return sizeProblem(Object.keys(value)) ?? sizeProblem(Object.values(value));
  }
  return sizeProblem(value);
}

/** Every value is bounded: no check ever sees (or echoes back) a megabyte. */
export function sizeProblem(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length > MAX_LIST_ITEMS) return `lists ${value.length} items; at most ${MAX_LIST_ITEMS}.`;
  const long = (Array.isArray(value) ? value : [value]).find((item) => typeof item === 'string' && item.length > MAX_VALUE_LENGTH);
  return long === undefined ? undefined : `${brief(long)} is too long; at most ${MAX_VALUE_LENGTH} characters.`;
}

/**
 * Flags override the answers file; each value is labelled with where it came from, and a
 * flag-and-question setting's value is normalized as a typed one is.
 */
export function mergeSettings(
  flags: Partial<Record<SettingKey, unknown>>,
  answers: Partial<Record<SettingKey, unknown>>,
  answersFile = 'answers',
): GivenSettings {
  const given: GivenSettings = {};
  for (const key of SETTING_KEYS) {
    const spec = SETTINGS.find((s) => s.key === key);
    const tidy = (value: unknown) => (spec ? normalize(spec, value) : value);
    if (spec && flags[key] !== undefined) {
      given[key] = { value: tidy(flags[key]), label: spec.flag };
    } else if (key in answers) {
      given[key] = { value: tidy(answers[key]), label: answerLabel(answersFile, key) };
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
  // The settings without a flag (the sign-in, the environments, …), from the answers file, a
  // question or `--environment`: the registry's checks, each problem named by its source and path.
  const others = SETTING_KEYS.filter((key) => given[key] && !SETTINGS.some((spec) => spec.key === key));
  if (others.length === 0) return problems;
  for (const problem of settingProblems(valuesOf(given), resolved)) {
    const key = problem.key.split(/[.[]/)[0] as SettingKey;
    const entry = given[key];
    if (!entry || !others.includes(key)) continue;
    problems.push({ key, label: nestedLabel(entry.label, problem.key), message: problem.message });
  }
  return problems;
}

/** A problem inside a setting, by where the setting came from: the flag, the answers file and the path, or the path (asked). */
function nestedLabel(label: string, at: string): string {
  if (label.startsWith('--')) return label;
  const file = / \((?:in|from|locked by) (.+)\)$/.exec(label)?.[1];
  return file === undefined ? at : `${file}: ${at}`;
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
