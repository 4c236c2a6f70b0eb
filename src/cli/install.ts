import { spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { PackageManagerName } from '../generate';

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

/** Runs a command without a shell; its output is shown (`inherit`) or captured (`pipe`). */
export function run(argv: readonly string[], cwd: string, options: { capture?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const spawnOptions: SpawnOptions = {
      cwd,
      env: options.env ?? process.env,
      stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    };
    let stdout = '';
    let stderr = '';
    const child = spawn(argv[0], argv.slice(1), spawnOptions);
    child.stdout?.on('data', (chunk) => { stdout += chunk; });
    child.stderr?.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (error) => resolve({ code: null, signal: null, error, stdout, stderr }));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function succeeded(result: RunResult): boolean {
  return !result.error && result.code === 0;
}

export interface InstallOutcome {
  /** The command that failed, if one did. */
  readonly failed?: string[];
  /** Whether it failed because the user pressed Ctrl-C. */
  readonly interrupted?: boolean;
}

/**
 * Installs the dependencies, then runs projen once so that it pins the versions it resolved:
 * afterwards `npx projen` changes nothing. A plain install, whatever `CI` says: there is no
 * lockfile yet for `npm ci`; and projen runs without `CI` so that it may write the lockfile.
 */
export async function installProject(dir: string, pm: PackageManagerName): Promise<InstallOutcome> {
  const commands = commandsFor(pm);
  const env = { ...process.env };
  delete env.CI;
  for (const argv of [commands.install, commands.exec('projen')]) {
    const result = await run(argv, dir, { env });
    if (!succeeded(result)) return { failed: argv, interrupted: result.signal === 'SIGINT' || result.code === 130 };
  }
  return {};
}

export const COMMIT_MESSAGE = 'chore: scaffold with create-hybrid-serverless';

export type GitOutcome = { readonly done: true } | { readonly done: false; readonly note: string };

/**
 * `git init`, then one commit of everything. Skipped when git is missing or the directory is
 * already in a work tree (a monorepo); a failure removes the new `.git` again. An author is
 * supplied only when none is configured, so commits are never blocked by a fresh machine.
 */
export async function initGit(dir: string): Promise<GitOutcome> {
  const version = await run(['git', '--version'], dir, { capture: true });
  if (!succeeded(version)) return { done: false, note: 'git was not found, so no repository was created.' };
  const inside = await run(['git', 'rev-parse', '--is-inside-work-tree'], dir, { capture: true });
  if (succeeded(inside) && inside.stdout.trim() === 'true') {
    return { done: false, note: 'the directory is already inside a git work tree, so no repository was created.' };
  }

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
  for (const argv of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', COMMIT_MESSAGE]]) {
    const result = await run(['git', ...config, ...argv], dir, { capture: true });
    if (!succeeded(result)) {
      if (!hadGit) fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
      const reason = result.stderr.trim().split('\n')[0];
      return { done: false, note: `"git ${argv[0]}" failed${reason ? ` (${reason})` : ''}, so no repository was created.` };
    }
  }
  return { done: true };
}
