import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { HybridServerlessSettings } from '../options';
import { SETTING_KEYS, SettingKey, SettingsLayer } from '../settings';
import { didYouMean, show } from '../validate';
import type { Preset } from './index';

// This package's name and version, as upgrade.ts has them (which loads projen: the CLI's front bundle must not).
const PACKAGE_NAME = 'create-hybrid-serverless';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACKAGE_VERSION: string = require('../../package.json').version;

/** A preset that cannot be found, loaded or used: the message says which, and what to do. */
export class PresetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresetError';
  }
}

/** A preset, loaded and checked: its name, where it is, its version, and its values as a settings layer. */
export interface LoadedPreset {
  /** As `.projenrc.ts` names it: the package's name, or a path relative to the repo. */
  readonly name: string;
  /** The package's version (none for a plain file). */
  readonly version?: string;
  /** The module file that was loaded. */
  readonly file: string;
  readonly defaults: HybridServerlessSettings;
  readonly locked: HybridServerlessSettings;
  /** Its layer under `.projenrc.ts`: the defaults and the locked values, the locked ones fixed. */
  readonly layer: SettingsLayer;
}

/** How messages name a preset (the source of its values): `the preset @acme/hybrid-preset`. */
export const presetSource = (name: string) => `the preset ${name}`;

/** Whether `.projenrc.ts`'s `preset` names a file (`./preset.js`) rather than a package. */
export const isPresetPath = (name: string) => /^(\.{1,2}[/\\]|[/\\]|[A-Za-z]:[/\\])/.test(name);

/** Presets already loaded by the CLI, by name: the repo it generates has no node_modules yet. */
const preloaded = new Map<string, LoadedPreset>();

/** Runs `body` with `preset` taken as installed (the CLI's generation into an empty directory). */
export function withPreloadedPreset<T>(preset: LoadedPreset | undefined, body: () => T): T {
  if (!preset) return body();
  preloaded.set(preset.name, preset);
  try {
    return body();
  } finally {
    preloaded.delete(preset.name);
  }
}

/**
 * Loads the preset `.projenrc.ts` names, from the repo at `dir`: a package installed there (its devDependency), or
 * a file relative to it. Throws a `PresetError` that says what is wrong and how to fix it.
 */
export function loadPreset(name: string, dir: string): LoadedPreset {
  const known = preloaded.get(name);
  if (known) return known;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new PresetError(`preset must be the name of a preset package (e.g. '@acme/hybrid-preset') or a path to a preset file, got ${show(name)}.`);
  }
  let file: string;
  try {
    file = isPresetPath(name) ? require.resolve(path.resolve(dir, name)) : require.resolve(name, { paths: [dir] });
  } catch {
    throw new PresetError(isPresetPath(name)
      ? `${presetSource(name)} is not there: ${path.resolve(dir, name)} does not exist. Fix the path in .projenrc.ts, or remove \`preset\`.`
      : `${presetSource(name)} is not installed in ${dir}. Run \`npm install\` (package.json lists it), or \`npm install -D ${name}\`; ` +
        'or remove `preset` from .projenrc.ts.');
  }
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(file);
  } catch (error) {
    throw new PresetError(`${presetSource(name)} could not be loaded (${file}): ${(error as Error).message}`);
  }
  const pkg = isPresetPath(name) ? undefined : packageJsonOf(file, name);
  if (pkg) checkRange(name, pkg);
  return fromModule(name, file, exported, pkg?.version);
}

/** The preset's own package.json: the nearest one above its module that carries its name. */
function packageJsonOf(file: string, name: string): { version?: string; peerDependencies?: Record<string, string> } | undefined {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (!fs.existsSync(candidate)) continue;
    const pkg = JSON.parse(fs.readFileSync(candidate, 'utf-8'));
    if (pkg.name === name) return pkg;
  }
  return undefined;
}

/** A preset written for other releases of this package is refused, naming both. */
function checkRange(name: string, pkg: { version?: string; peerDependencies?: Record<string, string> }): void {
  const range = pkg.peerDependencies?.[PACKAGE_NAME];
  if (range === undefined || semver.satisfies(PACKAGE_VERSION, range, { includePrerelease: true })) return;
  throw new PresetError(`${presetSource(name)}${pkg.version ? ` ${pkg.version}` : ''} is written for ${PACKAGE_NAME} ${range}, ` +
    `but this is ${PACKAGE_VERSION}. Install a release of the preset for ${PACKAGE_VERSION}, or ${PACKAGE_NAME} ${range}.`);
}

/** Checks what a preset module exports, and makes it a settings layer. */
export function fromModule(name: string, file: string, exported: unknown, version?: string): LoadedPreset {
  const preset = (exported as { default?: unknown } | null)?.default ?? exported;
  const where = `${presetSource(name)} (${file})`;
  if (preset === null || typeof preset !== 'object' || Array.isArray(preset)) {
    throw new PresetError(`${where} must export an object { defaults, locked }, e.g. module.exports = definePreset({ locked: { corporateCidrs: ['10.0.0.0/8'] } }); ` +
      `it exports ${show(preset)}.`);
  }
  const problems: string[] = [];
  for (const key of Object.keys(preset)) {
    if (key !== 'defaults' && key !== 'locked') problems.push(`"${key}" is not a part of a preset.${didYouMean(key, ['defaults', 'locked'])} A preset has defaults and locked.`);
  }
  const part = (key: 'defaults' | 'locked'): HybridServerlessSettings => {
    const values = (preset as Preset)[key];
    if (values === undefined) return {};
    if (values === null || typeof values !== 'object' || Array.isArray(values)) {
      problems.push(`${key} must be an object of settings, as in .projenrc.ts, got ${show(values)}.`);
      return {};
    }
    for (const setting of Object.keys(values)) {
      if (!(SETTING_KEYS as readonly string[]).includes(setting)) {
        problems.push(`${key}.${setting} is not a setting.${didYouMean(setting, SETTING_KEYS)}`);
      }
    }
    return values;
  };
  const defaults = part('defaults');
  const locked = part('locked');
  for (const key of Object.keys(locked).filter((setting) => setting in defaults)) {
    problems.push(`${key} is both a default and locked; give it in one of them.`);
  }
  if (problems.length > 0) throw new PresetError(`${where} is not a valid preset:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    name,
    version,
    file,
    defaults,
    locked,
    layer: {
      source: presetSource(name),
      values: { ...defaults, ...locked },
      locked: Object.keys(locked) as SettingKey[],
      lockHint: 'or ask the preset\'s owners to move it from locked to defaults',
    },
  };
}
