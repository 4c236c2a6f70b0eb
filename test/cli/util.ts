import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Discover, discoveryUrl } from '../../src/cli/discovery';
import { Context, run } from '../../src/cli/main';
import type { Ask } from '../../src/cli/questions';
import type { GenerateOptions } from '../../src/generate';
import { HybridServerlessSettings } from '../../src/options';
import { SettingKey, SETTINGS, SettingSpec, withDefaults } from '../../src/settings';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'create-hybrid-serverless');
/** What BIN runs: the CLI bundled by `npx projen compile` (scripts/bundle-cli.js). */
export const BUNDLE = path.join(ROOT, 'lib', 'cli.bundle.js');

/** The black-box tests run the built CLI, as users do: `npx projen compile` (or build) first. */
export function requireBuiltCli(): void {
  const compiled = path.join(ROOT, 'lib', 'cli', 'main.js');
  if (!fs.existsSync(compiled) || !fs.existsSync(BUNDLE)) {
    throw new Error('lib/cli.bundle.js is missing: run `npx projen compile` before these tests.');
  }
  // `npx projen watch` (tsc alone) compiles lib/ without bundling it.
  if (fs.statSync(BUNDLE).mtimeMs < fs.statSync(compiled).mtimeMs) {
    throw new Error('lib/cli.bundle.js is older than lib/cli/main.js: run `npx projen compile` before these tests.');
  }
}

/** A fresh directory to run the CLI in. */
export function tempDir(prefix = 'chs-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together. */
  readonly output: string;
}

/** An environment without a package manager's user agent or CI, so runs are reproducible. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.npm_config_user_agent;
  delete env.CI;
  return { ...env, ...extra };
}

/**
 * What a CLI run loaded of projen and the templates, for the runs that must stop before generating: the
 * environment for runCli (a module preloaded with NODE_OPTIONS records it when the process exits), and a reader.
 */
export function loadProbe(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const report = path.join(tempDir('chs-probe-'), 'loaded.json');
  const probe = path.join(__dirname, 'load-probe.js');
  return {
    env: cleanEnv({ ...extra, NODE_OPTIONS: `--require=${probe}`, CHS_LOAD_PROBE: report }),
    loaded: () => {
      const loaded = JSON.parse(fs.readFileSync(report, 'utf-8'));
      fs.rmSync(path.dirname(report), { recursive: true, force: true });
      return loaded;
    },
  };
}

/** Runs the built CLI with stdin a closed pipe (not a terminal), as in CI. */
export function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    input: '',
    encoding: 'utf-8',
    timeout: options.timeout ?? 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

/** The same, without blocking the event loop (for the runs that install). */
export function runCliAsync(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, output: stdout + stderr }));
  });
}

/** Every file below `dir`, relative and sorted (including dot files, excluding .git). */
export function filesIn(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') files.push(...filesIn(dir, relative));
    } else {
      files.push(relative);
    }
  }
  return files.sort();
}

/** A file's contents, for snapshots of what was written. */
export function contentsOf(dir: string): Record<string, string> {
  return Object.fromEntries(filesIn(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf-8')]));
}

/** Left-over temporary directories of the CLI (`.<name>.tmp-…`, `.<name>.bak-…`). */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((entry) => /\.(tmp|bak)-/.test(entry));
}

/**
 * Flags for every setting in the registry: the given values, and the default of every other
 * (booleans as `--no-…`, optional settings left out), so the list follows the registry.
 */
export function everySettingFlag(values: Partial<Record<SettingKey, string | boolean>>): string[] {
  const defaults = withDefaults({});
  return SETTINGS.flatMap((spec) => {
    const value = values[spec.key] ?? defaults[spec.key];
    if (value === undefined) return [];
    if (spec.kind === 'boolean') return [value ? spec.flag : `--no-${spec.flag.slice(2)}`];
    return [spec.flag, Array.isArray(value) ? value.join(',') : String(value)];
  });
}

/** The settings asked for, given these answers (some apply only to other answers: `when`). */
export function settingsAsked(answers: HybridServerlessSettings = {}): SettingSpec[] {
  const settings = withDefaults(answers);
  return SETTINGS.filter((spec) => spec.ask !== false && (spec.when?.(settings) ?? true));
}

export interface StartedCli {
  readonly child: ReturnType<typeof spawn>;
  /** Resolves when the CLI has exited. */
  readonly done: Promise<CliRun & { signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI (stdin a closed pipe) and returns at once, to send it signals. */
export function startCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => { stdout += chunk; });
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, output: stdout + stderr }));
  });
  return { child, done };
}

/** Waits until `condition` holds; fails with `what` if it does not within the time. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a process is running (a zombie, dead but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A directory of stand-in commands to put first on the PATH: each a small shell script.
 * Returns the directory.
 */
export function fakeBin(scripts: Record<string, string>): string {
  const dir = tempDir('chs-bin-');
  for (const [name, body] of Object.entries(scripts)) {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

/** Runs the CLI in-process with a stand-in generator that records what it was given. */
export async function runInProcess(argv: string[], options: { cwd: string; interactive?: boolean; ask?: Ask; discover?: Discover }) {
  const out: string[] = [];
  const err: string[] = [];
  const generated: GenerateOptions[] = [];
  const context: Context = {
    cwd: options.cwd,
    interactive: options.interactive ?? false,
    env: {},
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    ask: options.ask,
    // No network: the provider's discovery document cannot be read, unless a test gives one.
    discover: options.discover ?? (async (issuer) => ({ url: discoveryUrl(issuer), problem: 'the host name was not found (ENOTFOUND; offline?)' })),
    generator: (generateOptions) => {
      generated.push(generateOptions);
      fs.writeFileSync(path.join(generateOptions.outdir, 'package.json'), '{}');
      return { files: ['package.json'] };
    },
  };
  const code = await run(argv, context);
  return { code, out: out.join('\n'), err: err.join('\n'), generated };
}

