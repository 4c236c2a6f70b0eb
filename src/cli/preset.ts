import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run, succeeded } from './install';
import { onInterrupt } from './signals';
import { brief, CLI_NAME as PACKAGE_NAME, Problem, UsageError } from './ui';
import { isPresetPath, loadPreset, LoadedPreset, PresetError } from '../preset/load';

/** A preset fetched for the CLI: loaded, and how the new repo depends on it. */
export interface CliPreset {
  readonly preset: LoadedPreset;
  /** What the repo's package.json names it with: npm's saved spec (`^1.2.0`), or `file:` and an absolute path. */
  readonly spec: string;
}

/** Reads `--preset <spec>`: the preset installed where nothing of the user's is (npm's own fetch, any spec npm takes). */
export type FetchPreset = (spec: string, cwd: string) => Promise<CliPreset>;

/**
 * `--preset`: an npm spec (`@acme/hybrid-preset`, `@acme/hybrid-preset@^2`, a tarball's URL) or a local directory or
 * tarball (a path, or `file:`). npm installs it into a temporary directory (no scripts, no peers) where this package
 * stands for its peer, as it does in the repo; it is loaded and checked there, and the directory is removed. A
 * preset that cannot be had is a usage error: nothing is written.
 */
export const fetchPreset: FetchPreset = async (spec, cwd) => {
  const local = isPresetPath(spec) || spec.startsWith('file:');
  const target = local ? `file:${path.resolve(cwd, spec.replace(/^file:/, ''))}` : spec;
  if (local && !fs.existsSync(target.slice('file:'.length))) refuse(`${brief(spec)} does not exist (${target.slice('file:'.length)}).`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-preset-'));
  // A signal while npm runs: the temporary directory goes too.
  const stopListening = onInterrupt(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'preset-fetch', private: true }));
    const env = { ...process.env };
    delete env.npm_config_package;
    const result = await run(['npm', 'install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock',
      '--install-links', target], dir, { capture: true, env });
    if (!succeeded(result)) {
      const npmSays = `${result.stderr}`.split('\n').filter((line) => /npm (error|ERR!)/.test(line)).slice(0, 4).join('\n');
      refuse(`npm could not install the preset ${brief(spec)}${npmSays ? `:\n${npmSays}` : '.'}\nCheck the name and version, and the registry ` +
        '(npm config get registry; a company registry needs its .npmrc).');
    }
    const [name, saved] = Object.entries(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).dependencies ?? {})[0] as [string, string];
    // The preset's `require('create-hybrid-serverless/preset')` finds this package, as in the repo.
    const own = path.join(dir, 'node_modules', PACKAGE_NAME);
    if (!fs.existsSync(own)) fs.symlinkSync(packageRoot(), own, 'junction');
    let preset: LoadedPreset;
    try {
      preset = loadPreset(name, dir);
    } catch (error) {
      if (error instanceof PresetError) refuse(error.message);
      throw error;
    }
    return { preset, spec: local ? target : saved };
  } finally {
    stopListening();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

function refuse(message: string): never {
  throw new UsageError([{ label: '--preset', message } satisfies Problem]);
}

/** This package's directory (from lib/cli, src/cli, or the bundle in lib/). */
function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf-8')).name === PACKAGE_NAME) return dir;
  }
  throw new Error(`${PACKAGE_NAME}'s package.json not found above ${__dirname}`);
}
