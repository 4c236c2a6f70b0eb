import { spawnSync, SpawnSyncOptions } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { E2E_TMPDIR } from './tmpdir';
import { testedLockfile } from '../../src/tested-set';

export const ROOT = path.join(__dirname, '..', '..');

export interface Run {
  readonly status: number | null;
  readonly output: string;
}

/** Runs a command; output is kept for the assertion message. */
export function run(command: string, args: string[], cwd: string, options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf-8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    // As at a team's terminal: without what jest sets (projen silences its output and changes its version under
    // NODE_ENV=test), and without the CI of the run (under CI=true every `npx projen` that changes package.json
    // reinstalls everything with `npm ci`, which a team's `npx projen` does not). A test passes CI where it means it.
    env: { ...withoutJest(process.env), TMPDIR: scratchDir(), ...options.env },
  });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function withoutJest(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.JEST_WORKER_ID;
  delete rest.CI;
  if (rest.NODE_ENV === 'test') delete rest.NODE_ENV;
  return rest;
}

/** Runs a command and fails the test with its last output lines unless it exits 0. */
export function ok(command: string, args: string[], cwd: string, options: SpawnSyncOptions = {}): string {
  const result = run(command, args, cwd, options);
  if (result.status !== 0) {
    const tail = result.output.split('\n').slice(-60).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${tail}`);
  }
  return result.output;
}

const created: string[] = [];
/** A fresh directory for one test; removed when its test file ends (`CHS_KEEP_E2E=1` keeps it, to look into). */
export function freshDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(E2E_TMPDIR, prefix));
  created.push(dir);
  return dir;
}
// On a RAM disk, repos left behind would hold memory: each test file removes its own.
afterAll(() => {
  if (process.env.CHS_KEEP_E2E) return;
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

let scratch: string | undefined;
/** The temporary directory of the commands a test runs (the generated tests' cdk.out copies, cdk-nag reports). */
function scratchDir(): string {
  return scratch ??= freshDir('chs-tmp-');
}

/** A TCP port free on 127.0.0.1 at the time of asking, for a local server of a test. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * This package (compiled by `npx projen build` before the tests) packed into a tarball. Packed
 * once per jest run when the run has a shared directory (test/e2e/global-setup.ts): the first
 * file to ask packs, the others (in this or another worker) wait for it. Each caller gets its own
 * copy: `npm exec --package=<tarball>` installs into a directory of npm's cache named after the
 * path, which two workers must not fill at once.
 */
export function packTarball(): string {
  const shared = sharedRunDir();
  if (!shared) return packInto(freshDir('chs-pack-'));
  const done = path.join(shared, 'tarball');
  const failed = path.join(shared, 'failed');
  let packer = false;
  try {
    fs.mkdirSync(path.join(shared, 'lock'));
    packer = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (packer) {
    try {
      // Written whole, then renamed: a waiting file never reads half a path.
      fs.writeFileSync(`${done}.partial`, packInto(path.join(shared, 'pack')));
      fs.renameSync(`${done}.partial`, done);
    } catch (error) {
      fs.writeFileSync(failed, String((error as Error).message));
      throw error;
    }
  }
  const waitUntil = Date.now() + 10 * 60 * 1000;
  while (!fs.existsSync(done)) {
    if (fs.existsSync(failed)) throw new Error(`packing this package failed (in another test file):\n${fs.readFileSync(failed, 'utf-8')}`);
    if (Date.now() > waitUntil) throw new Error(`no tarball in ${shared} after 10 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  const tarball = sharedTarball()!;
  const copy = path.join(freshDir('chs-pack-'), path.basename(tarball));
  fs.copyFileSync(tarball, copy);
  return copy;
}

function packInto(destination: string): string {
  fs.mkdirSync(destination, { recursive: true });
  ok('npm', ['pack', '--pack-destination', destination], ROOT);
  const [tarball] = fs.readdirSync(destination).filter((file) => file.endsWith('.tgz'));
  return path.join(destination, tarball);
}

/**
 * Runs the CLI from the tarball, as `npx create-hybrid-serverless` would from the registry. The repo depends on the
 * run's one tarball where there is one (every file's repo then has the same package.json: sharedInstall).
 */
export function createFromTarball(tarball: string, cwd: string, args: string[], packageSpec = sharedTarball() ?? tarball,
  options: SpawnSyncOptions = {}): string {
  return ok('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'create-hybrid-serverless', ...args,
    '--package-spec', `file:${packageSpec}`], cwd, options);
}

/**
 * The CLI from the tarball, as createFromTarball, but with one install per run for every file whose repo has the
 * same dependencies (every topology and option has them today): the CLI writes the files (`--no-install --no-git`),
 * then, as the CLI would, the repo's own `npm install`, `npx projen` and first commit (unless `--no-git`). The
 * install starts from the run's shared tree where there is one (sharedInstall), so that npm finds everything in
 * place (2 s instead of about 25); the first to install leaves its tree for the others. The CLI's own install, and
 * what it prints, are what alb-lambda.test.ts, upgrade.test.ts and test/cli test.
 */
export function createWithSharedInstall(tarball: string, cwd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const [name] = args;
  createWithInstalledCli(tarball, cwd, [...args.filter((arg) => arg !== '--no-git'), '--no-install', '--no-git'], options);
  const repo = path.resolve(cwd, name);
  const cached = sharedInstall(repo);
  if (cached) linkModules(cached, repo);
  // Without CI (as every command here), as the CLI runs them: there is no lockfile yet for `npm ci`.
  ok('npm', ['install'], repo);
  if (!cached) shareInstall(repo);
  const output = ok('npx', ['projen'], repo);
  if (!args.includes('--no-git')) {
    ok('git', ['init', '-q'], repo);
    commit(repo, 'scaffold');
  }
  return output;
}

/**
 * The CLI, as createFromTarball, but run from the run's shared tree where there is one: the package the tarball
 * installed there, its bin as npx would run it, without npx first installing it and its peers (230 MB) again for the
 * file (its own tarball copy, its own directory of npx's cache).
 */
export function createWithInstalledCli(tarball: string, cwd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const installed = anySharedInstall();
  const bin = installed && path.join(installed, 'create-hybrid-serverless', 'bin', 'create-hybrid-serverless');
  if (!bin || !fs.existsSync(bin)) return createFromTarball(tarball, cwd, args, sharedTarball() ?? tarball, options);
  return ok(process.execPath, [bin, ...args, '--package-spec', `file:${sharedTarball() ?? tarball}`], cwd, options);
}

/** Where the run keeps the installed tree of repos with the dependencies of `repo`'s package.json. */
function installKey(repo: string): string | undefined {
  const shared = sharedRunDir();
  if (!shared) return undefined;
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8'));
  const key = createHash('sha1').update(JSON.stringify([manifest.dependencies, manifest.devDependencies,
    manifest.peerDependencies, manifest.overrides])).digest('hex');
  return path.join(shared, 'installs', key, 'node_modules');
}

/** The run's installed tree for repos with the dependencies of `repo`'s package.json, if one has been left. */
export function sharedInstall(repo: string): string | undefined {
  const cached = installKey(repo);
  return cached && fs.existsSync(cached) ? cached : undefined;
}

/** Any installed tree the run has left (every generated repo's dependencies are the same today), if one. */
export function anySharedInstall(): string | undefined {
  const shared = sharedRunDir();
  const installs = shared && path.join(shared, 'installs');
  if (!installs || !fs.existsSync(installs)) return undefined;
  const [key] = fs.readdirSync(installs).filter((entry) => /^[0-9a-f]{40}$/.test(entry));
  return key && path.join(installs, key, 'node_modules');
}

/**
 * Leaves `repo`'s installed tree for the run's other files with the same dependencies (a repo the CLI installed, or
 * createWithSharedInstall's first): linked as copyRepo's (linkModules), without the build caches.
 */
export function shareInstall(repo: string): void {
  const cached = installKey(repo);
  if (!cached || fs.existsSync(cached)) return;
  // Linked whole, then renamed: another file never takes half a tree (and a second one is dropped).
  const partial = `${path.dirname(cached)}.${process.pid}`;
  fs.mkdirSync(partial, { recursive: true });
  linkModules(path.join(repo, 'node_modules'), partial);
  fs.rmSync(path.join(partial, 'node_modules', '.cache'), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(path.dirname(cached)), { recursive: true });
  try {
    fs.renameSync(partial, path.dirname(cached));
  } catch {
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * `from` (a node_modules) as `repo`'s node_modules: hard-linked (half a second instead of four; npm replaces the
 * packages it changes rather than writing into them), but for what is written in place: npm's record of the tree
 * (.package-lock.json) and the build caches (.cache), copied.
 */
export function linkModules(from: string, repo: string): void {
  const modules = path.join(repo, 'node_modules');
  ok('cp', ['-al', from, modules], repo);
  for (const own of ['.package-lock.json', '.cache']) {
    const copy = path.join(modules, own);
    if (!fs.existsSync(copy)) continue;
    fs.rmSync(copy, { recursive: true });
    ok('cp', ['-a', path.join(from, own), copy], repo);
  }
}

/** The run's shared directory (test/e2e/global-setup.ts), if this run has one. */
function sharedRunDir(): string | undefined {
  const shared = process.env.CHS_PACK_DIR;
  return shared && fs.existsSync(shared) ? shared : undefined;
}

/** The run's packed tarball (of which packTarball gives each file a copy), if this run has one. */
function sharedTarball(): string | undefined {
  const shared = sharedRunDir();
  const done = shared && path.join(shared, 'tarball');
  return done && fs.existsSync(done) ? fs.readFileSync(done, 'utf-8') : undefined;
}

/**
 * Where a repo's installed tree differs from the tested set (data/tested-lock.json): each package installed at
 * another version than tested, each tested package missing (but another platform's optional binaries), each installed
 * package the set does not have (but this package's own entries). Empty when npm installed exactly the set.
 */
export function offTestedSet(repo: string, tested = testedLockfile().packages): string[] {
  const installed: Record<string, { version?: string }> = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', '.package-lock.json'), 'utf-8')).packages;
  const ours = (key: string) => key === 'node_modules/create-hybrid-serverless' || key.startsWith('node_modules/create-hybrid-serverless/');
  const found: string[] = [];
  for (const [key, entry] of Object.entries(tested)) {
    if (key === '') continue;
    if (!installed[key]) {
      if (!entry.optional) found.push(`${key}: missing (tested ${entry.version})`);
    } else if (installed[key].version !== entry.version) {
      found.push(`${key}: ${installed[key].version} (tested ${entry.version})`);
    }
  }
  for (const key of Object.keys(installed)) if (!tested[key] && !ours(key)) found.push(`${key}: not in the tested set`);
  return found;
}

/** Commits everything in the repo, as a team member would. */
export function commit(repo: string, message: string): void {
  ok('git', ['add', '-A'], repo);
  ok('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', message], repo);
}

/** `git status --porcelain`: empty when the build and re-synthesis changed nothing. */
export function gitStatus(cwd: string): string {
  return ok('git', ['status', '--porcelain'], cwd).trimEnd();
}

/**
 * The synthesized template of a stack of an environment: `cdk.out/assembly-<env>/<env><Stack><hash>.template.json`
 * (each environment is a CDK Stage with its own cloud assembly).
 */
export function templateOf(repo: string, environment: string, stack: string): string {
  const assembly = path.join(repo, 'cdk.out', `assembly-${environment}`);
  const found = fs.readdirSync(assembly).filter((file) => file.startsWith(`${environment}${stack}`) && file.endsWith('.template.json'));
  if (found.length !== 1) throw new Error(`expected one template of ${environment}/${stack} in ${assembly}, found ${found.join(', ') || 'none'}`);
  return path.join(assembly, found[0]);
}

/**
 * A copy of a generated repo for one test, so that no test depends on what another did to its repo: the files and
 * its git history copied, node_modules linked (linkModules).
 */
export function copyRepo(repo: string, prefix = 'chs-e2e-copy-'): string {
  const copy = path.join(freshDir(prefix), path.basename(repo));
  fs.mkdirSync(copy);
  for (const entry of fs.readdirSync(repo)) {
    if (entry !== 'node_modules') ok('cp', ['-a', path.join(repo, entry), copy], repo);
  }
  const modules = path.join(repo, 'node_modules');
  if (fs.existsSync(modules)) linkModules(modules, copy);
  return copy;
}
