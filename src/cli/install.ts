import { spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { PackageManagerName } from '../generate';
import { InstallProgress, InstallStep } from './progress';
import { isInterrupted, killGroup, trackChild } from './signals';

export interface PkgInfo {
  readonly name: string;
  readonly version?: string;
}

/** The package manager that launched us, from `npm_config_user_agent` (as in create-vite). */
export function pkgFromUserAgent(userAgent: string | undefined): PkgInfo | undefined {
  if (!userAgent) return undefined;
  const [name, version] = userAgent.split(' ')[0].split('/');
  return { name, version };
}

/** npm, pnpm or yarn; anything else (bun, cnpm, none) installs with npm. */
export function packageManagerFrom(userAgent: string | undefined): PackageManagerName {
  const name = pkgFromUserAgent(userAgent)?.name;
  return name === 'pnpm' || name === 'yarn' ? name : 'npm';
}

/** The commands of a package manager, as argument vectors. */
export interface PmCommands {
  readonly install: string[];
  /** Runs a binary of the project's dependencies: `npx projen`, `pnpm exec projen`, `yarn projen`. */
  exec(bin: string, ...args: string[]): string[];
}

export function commandsFor(pm: PackageManagerName): PmCommands {
  switch (pm) {
    case 'pnpm':
      return { install: ['pnpm', 'install'], exec: (bin, ...args) => ['pnpm', 'exec', bin, ...args] };
    case 'yarn':
      return { install: ['yarn', 'install'], exec: (bin, ...args) => ['yarn', bin, ...args] };
    default:
      return { install: ['npm', 'install'], exec: (bin, ...args) => ['npx', bin, ...args] };
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the command could not start (not installed, …). */
  readonly error?: Error;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The parent of every command the CLI runs, in its own process group: it runs the command
 * (which inherits its stdio) and watches a pipe to the CLI. Should the CLI die without a chance
 * to clean up (SIGKILL), the pipe closes and the guard kills its whole group, so that no
 * `npm install` outlives the CLI. Signals to the group reach the command; the guard waits for it.
 */
const GUARD = `
const { spawn } = require('child_process');
const argv = JSON.parse(process.argv[1]);
let done = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
const cli = new (require('net').Socket)({ fd: 3, readable: true, writable: false });
cli.on('error', () => undefined);
cli.on('close', () => { if (!done) process.kill(0, 'SIGKILL'); });
cli.resume();
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
child.on('error', (error) => {
  done = true;
  process.stderr.write(error.code === 'ENOENT' ? '' : String(error.message) + '\\n');
  process.exit(error.code === 'ENOENT' ? 127 : 126);
});
child.on('exit', (code, signal) => {
  done = true;
  process.exit(code ?? 128 + (require('os').constants.signals[signal] || 0));
});
`;

/**
 * Runs a command without a shell, in its own process group under a guard (see `GUARD`); its
 * output is shown (`inherit`) or captured (`pipe`). A signal to the CLI stops the whole group.
 */
export function run(argv: readonly string[], cwd: string, options: {
  capture?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Receives the command's output as it comes (instead of showing it); stdin stays the CLI's. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
} = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const env = options.env ?? process.env;
    if (!findOnPath(argv[0], env)) {
      const error = Object.assign(new Error(`${argv[0]} was not found`), { code: 'ENOENT' });
      resolve({ code: null, signal: null, error, stdout: '', stderr: '' });
      return;
    }
    const spawnOptions: SpawnOptions = {
      cwd,
      env,
      // Its own process group, to be stopped as a whole (on Windows, a new console: not wanted).
      detached: process.platform !== 'win32',
      stdio: [options.capture ? 'ignore' : 'inherit', options.capture || options.onOutput ? 'pipe' : 'inherit',
        options.capture || options.onOutput ? 'pipe' : 'inherit', 'pipe'],
    };
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, ['-e', GUARD, JSON.stringify(argv)], spawnOptions);
    trackChild(child);
    const { onOutput } = options;
    child.stdout?.setEncoding('utf-8');
    child.stderr?.setEncoding('utf-8');
    child.stdout?.on('data', onOutput ? (chunk: string) => onOutput('stdout', chunk) : (chunk: string) => { stdout += chunk; });
    child.stderr?.on('data', onOutput ? (chunk: string) => onOutput('stderr', chunk) : (chunk: string) => { stderr += chunk; });
    child.on('error', (error) => resolve({ code: null, signal: null, error, stdout, stderr }));
    child.on('close', (code, signal) => {
      // Anything the command left running in its group goes with it.
      killGroup(child, 'SIGKILL');
      // Stopped by a signal to the CLI: the handler says what was kept and exits.
      if (isInterrupted()) return;
      resolve(code === 127 ? { code, signal, error: new Error(`${argv[0]} was not found`), stdout, stderr } : { code, signal, stdout, stderr });
    });
  });
}

/** Whether a command can be found on the PATH (or is a path to an executable file). */
export function findOnPath(command: string, env: NodeJS.ProcessEnv): boolean {
  // Windows finds commands through PATHEXT (npm.cmd); the spawn itself says if it is missing.
  if (process.platform === 'win32') return true;
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

export function succeeded(result: RunResult): boolean {
  return !result.error && result.code === 0;
}

export interface InstallOutcome {
  /** The command that failed, if one did. */
  readonly failed?: string[];
  /** Whether it failed because the command was not found on the PATH. */
  readonly notFound?: boolean;
}

/**
 * Installs the dependencies, then runs projen once: afterwards `npx projen` changes nothing. A plain
 * install, whatever `CI` says: the lockfile the project type wrote (the tested set) does not name
 * this package yet, which `npm ci` would refuse; and projen runs without `CI` so that it may write
 * the lockfile. `installOnly`: projen is not run (with `--force`, it would rewrite or remove the
 * user's files). The commands run as at the user's terminal: not with the `--package` of an
 * `npm exec --package=<spec>` that started the CLI, which npm passes on as `npm_config_package`
 * and under which `npx projen` would install that spec again, from the new repo's directory.
 * Each step is announced with how long it usually takes, and shown as it runs (`progress`).
 */
export async function installProject(dir: string, pm: PackageManagerName,
  options: { installOnly?: boolean; progress?: InstallProgress } = {}): Promise<InstallOutcome> {
  const commands = commandsFor(pm);
  const env = { ...process.env };
  delete env.CI;
  delete env.npm_config_package;
  const progress = options.progress ?? new InstallProgress({ stdout: process.stdout, stderr: process.stderr });
  const steps: Array<{ argv: string[]; step: InstallStep; env: NodeJS.ProcessEnv }> = [
    {
      argv: commands.install,
      // npm's http log says each manifest it reads and each package it unpacks: the status line counts them.
      env: pm === 'npm' ? { ...env, npm_config_loglevel: 'http' } : env,
      step: {
        title: `Installing dependencies with ${pm}`,
        usually: 'usually 30 s to 2 min; longer with an empty npm cache or a slow registry',
        npm: pm === 'npm',
      },
    },
    ...(options.installOnly ? [] : [{
      argv: commands.exec('projen'),
      env,
      step: { title: `Running ${commands.exec('projen').join(' ')}, which records the versions installed`, usually: 'usually 5 to 20 s', npm: false },
    }]),
  ];
  for (const [i, { argv, step, env: stepEnv }] of steps.entries()) {
    progress.start(step, i + 1, steps.length);
    const result = await run(argv, dir, { env: stepEnv, onOutput: (stream, chunk) => progress.output(stream, chunk) });
    progress.end(succeeded(result));
    if (!succeeded(result)) return { failed: argv, notFound: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || result.code === 127 };
  }
  return {};
}

export const COMMIT_MESSAGE = 'chore: scaffold with create-hybrid-serverless';

export type GitOutcome = { readonly done: true } | { readonly done: false; readonly note: string; readonly missing?: boolean };

/**
 * `git init`, then one commit: of everything, or only of `paths` (with `--force`, the files this
 * run created: nothing of the user's is committed, and what their .gitignore ignores stays out).
 * Skipped when git is missing or the directory is already in a work tree (a monorepo); a
 * failure removes the new `.git` again. An author is supplied only when none is configured,
 * so commits are never blocked by a fresh machine.
 */
export async function initGit(dir: string, paths?: readonly string[]): Promise<GitOutcome> {
  const version = await run(['git', '--version'], dir, { capture: true });
  if (!succeeded(version)) return { done: false, note: 'git was not found on the PATH, so no repository was created.', missing: true };
  const inside = await run(['git', 'rev-parse', '--is-inside-work-tree'], dir, { capture: true });
  if (succeeded(inside) && inside.stdout.trim() === 'true') {
    return { done: false, note: 'the directory is already inside a git work tree, so no repository was created.' };
  }
  if (paths && paths.length === 0) return { done: false, note: 'this run created no file, so no repository was created.' };

  const config: string[] = [];
  if (!succeeded(await run(['git', 'config', 'init.defaultBranch'], dir, { capture: true }))) {
    config.push('-c', 'init.defaultBranch=main');
  }
  if (!succeeded(await run(['git', 'config', 'user.name'], dir, { capture: true }))) {
    config.push('-c', 'user.name=create-hybrid-serverless');
  }
  if (!succeeded(await run(['git', 'config', 'user.email'], dir, { capture: true }))) {
    config.push('-c', 'user.email=create-hybrid-serverless@users.noreply.github.com');
  }

  const hadGit = fs.existsSync(path.join(dir, '.git'));
  const add = paths ? ['add', '--', ...paths] : ['add', '-A'];
  for (const argv of [['init', '-q'], add, ['commit', '-q', '-m', COMMIT_MESSAGE]]) {
    const result = await run(['git', ...config, ...argv], dir, { capture: true });
    // Files the user's .gitignore ignores are left out, as they asked; the others are added.
    const onlyIgnored = argv === add && paths !== undefined && result.code === 1 && /^The following paths are ignored/.test(result.stderr);
    if (!succeeded(result) && !onlyIgnored) {
      if (!hadGit) fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
      const reason = result.stderr.trim().split('\n')[0];
      return { done: false, note: `"git ${argv[0]}" failed${reason ? ` (${reason})` : ''}, so no repository was created.` };
    }
  }
  return { done: true };
}
