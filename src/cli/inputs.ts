import * as fs from 'fs';
import * as path from 'path';
import { HybridServerlessSettings } from '../options';
import { ResolvedSettings, SettingKey, SETTINGS, SettingSpec, withDefaults } from '../settings';
import { closest, show } from '../validate';
import { splitList } from './args';
import { messageOf, Problem } from './ui';

/** A setting's value and where it came from, so that a problem names the flag or key to fix. */
export interface Given {
  readonly value: unknown;
  /** `--domain`, `domain (in answers.json)`, … */
  readonly label: string;
}

export type GivenSettings = Partial<Record<SettingKey, Given>>;

/** The keys an answers file may hold: the settings, plus the project name. */
export const ANSWER_KEYS: readonly string[] = ['name', ...SETTINGS.map((spec) => spec.key)];

/** What an answers file holds. */
export interface Answers {
  readonly settings: Partial<Record<SettingKey, unknown>>;
  /** The project name (an npm package name), if given. */
  readonly name?: unknown;
}

export function answerLabel(file: string, key: string): string {
  return `${key} (in ${file})`;
}

/**
 * Reads `--answers <file.json>`: a JSON object keyed by option name. Every problem (unreadable
 * file, bad JSON, unknown keys) is returned rather than thrown, to be reported with the rest.
 */
export function readAnswers(file: string, cwd: string): { answers: Answers; problems: Problem[] } {
  const empty = { answers: { settings: {} }, problems: [] as Problem[] };
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf-8');
  } catch (error) {
    return { ...empty, problems: [{ label: '--answers', message: `cannot read ${show(file)}: ${messageOf(error)}.` }] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ...empty, problems: [{ label: '--answers', message: `${show(file)} is not valid JSON: ${messageOf(error)}.` }] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ...empty,
      problems: [{
        label: '--answers',
        message: `${show(file)} must hold a JSON object keyed by option name, e.g. {"topology": "alb-lambda", "domain": "app.internal.example.com"}.`,
      }],
    };
  }

  const problems: Problem[] = [];
  const settings: Partial<Record<SettingKey, unknown>> = {};
  let name: unknown;
  for (const [key, value] of Object.entries(data)) {
    if (key === 'name') {
      name = value;
    } else if (SETTINGS.some((spec) => spec.key === key)) {
      settings[key as SettingKey] = value;
    } else {
      const hint = closest(key, ANSWER_KEYS);
      problems.push({
        label: answerLabel(file, show(key)),
        message: `unknown key.${hint ? ` Did you mean "${hint}"?` : ''} Known keys: ${ANSWER_KEYS.join(', ')}.`,
      });
    }
  }
  return { answers: { settings, name }, problems };
}

/**
 * Tidies a typed value before it is checked: strings trimmed, lists split on commas, the
 * domain lowercased (DNS names are case-insensitive). Anything else goes to the check as is.
 */
export function normalize(spec: SettingSpec, value: unknown): unknown {
  if (spec.kind === 'list') {
    if (typeof value === 'string') return splitList(value);
    if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.trim() : item));
    return value;
  }
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return spec.key === 'domain' ? trimmed.toLowerCase() : trimmed;
}

/** JSON gives numbers and nulls where the flags can only give strings: say so plainly. */
function typeProblem(spec: SettingSpec, value: unknown): string | undefined {
  if ((spec.kind === 'string' || spec.kind === 'choice') && typeof value !== 'string') {
    return `must be a string (in quotes), got ${show(value)}.`;
  }
  if (spec.kind === 'list' && !Array.isArray(value)) {
    return `must be a list of strings (or one comma-separated string), got ${show(value)}.`;
  }
  return undefined;
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
      problem: `${show(spec)} is not an npm spec such as "^1.0.0", "latest" or "file:/path/to/create-hybrid-serverless-1.0.0.tgz" ` +
        '(no quotes, backticks, "$", backslashes or control characters).',
    };
  }
  const file = /^file:(.+)$/.exec(trimmed);
  if (file && !path.isAbsolute(file[1])) return normalizePackageSpec(`file:${path.resolve(cwd, file[1])}`, cwd);
  return { spec: trimmed };
}
