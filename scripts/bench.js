#!/usr/bin/env node
// `npx projen bench`: how this package compares with plain projen, measured in one run.
//
//   1. time to files   our CLI (--yes --no-install --no-git) vs `projen new awscdk-app-ts --no-post --no-git`
//   2. re-synthesis    `npx projen` in a generated repo vs in a plain awscdk-app-ts repo
//   3. build           `npx projen build` in the same two repos
//   4. first green     our CLI with install, then `npx projen build`, vs `projen new awscdk-app-ts`
//                      (which installs) then `npx projen build`: from nothing to a green build
//   5. Lambda bundle   size of the sample handler's bundle (plain and minified) and its load time
//   6. runtime         the handler's warm request, sign-in and cold start against bare Hono with the same
//                      validator, and a raw handler as the floor (scripts/bench-runtime.js)
//
// The machine is shared and noisy: every figure is a median of several runs, the two sides
// alternate (ours, peer, ours, …) so that load from elsewhere hits both alike, and the verdicts
// use ratios. Every timed command is measured twice: wall-clock time, and CPU time (user + system
// of the command and all its descendants, which steadies the figures when others load the machine).
// Setup (pack, install from the registry) needs the network; the timed runs of phases 1 to 3 do not
// (they run with npm offline and, where `unshare -n` works, with no network at all); phase 4 installs
// with npm preferring its cache (warmed by the setup), on both sides alike.
// Prints a markdown table and writes the same figures to .bench/results.json.
//
//   node scripts/bench.js [--quick] [--keep] [--readme] [--runtime]
//     --quick   one run of each (checks that the script works; the figures mean little)
//     --runtime phases 5 and 6 only (one generated repo, no peer repo)
//     --keep    keep the temporary directories and print where they are
//     --readme  also write the table into docs/performance.md (between the bench markers); with --runtime,
//               its rows in place of the same rows there
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { benchRuntime } = require('./bench-runtime');

const ROOT = path.join(__dirname, '..');
// The CLI's entry file, as the package declares it (`bin` in package.json).
const CLI = path.join(ROOT, require(path.join(ROOT, 'package.json')).bin['create-hybrid-serverless']);
const PROJEN = path.join(ROOT, 'node_modules', '.bin', 'projen');
const RESULTS = path.join(ROOT, '.bench', 'results.json');

const flags = new Set(process.argv.slice(2));
const QUICK = flags.has('--quick');
const RUNTIME_ONLY = flags.has('--runtime');
const RUNS = QUICK
  ? { files: 1, resynth: 1, build: 1, green: 1, load: 3, runtime: 1, batches: 3, perBatch: 50 }
  : { files: 7, resynth: 5, build: 3, green: 3, load: 15, runtime: 7, batches: 15, perBatch: 200 };

/** The targets: the ratio ours/peer of the medians, in one run. */
const TARGETS = { timeToFiles: 0.5, resynth: 0.7, build: 1.0, firstGreen: 1.0, warm: 1.5, signIn: 1.3, cold: 1.1 };

// ---------------------------------------------------------------------------------------------
// Helpers

/** The median of a list of numbers (the mean of the middle two for an even count). */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function log(text) {
  process.stderr.write(`${text}\n`);
}

/**
 * The environment of every child: no CI (CI=true makes projen install with `npm ci`), no npm_*
 * variables inherited from whatever started this script (they would leak e.g. the user agent),
 * no bin directory of this package on PATH (each repo must run its own projen), npm quiet.
 */
function baseEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'CI' || /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '').split(path.delimiter)
    .filter((dir) => !path.resolve(dir).startsWith(path.join(ROOT, 'node_modules')))
    .join(path.delimiter);
  return {
    ...env,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** The environment of the timed runs: as above, and npm must not reach the registry. */
function offlineEnv() {
  return { ...baseEnv(), npm_config_offline: 'true' };
}

/**
 * A command prefix that runs its command without any network (`unshare -n`, or `unshare -rn`
 * when not root), or [] where neither works (then only npm is kept offline, by offlineEnv).
 * A new network namespace starts with its loopback down: it is brought up, as on any machine,
 * for the generated tests' local servers on 127.0.0.1 (the sign-in test's key endpoint).
 */
function findNoNetworkPrefix() {
  const loopbackUp = ['sh', '-c', 'ip link set lo up && exec "$@"', 'sh'];
  for (const unshare of [['unshare', '-n'], ['unshare', '-rn']]) {
    const prefix = [...unshare, ...loopbackUp];
    const probe = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { stdio: 'ignore' });
    if (probe.status === 0) return prefix;
  }
  return [];
}

class Interrupted extends Error {}

/** Runs a command to completion, output captured; throws with the output's tail if it fails. */
function run(command, args, { cwd, env = baseEnv(), prefix = [] } = {}) {
  const [file, ...rest] = [...prefix, command, ...args];
  const result = spawnSync(file, rest, {
    cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024,
  });
  if (result.signal === 'SIGINT') throw new Interrupted();
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`"${command} ${args.join(' ')}" in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  return result;
}

/** Like run(), but in the background: resolves when the command succeeds (setup only). */
function runInBackground(command, args, { cwd, env = baseEnv() } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output = `${output}${chunk}`.slice(-20_000); });
    child.stderr.on('data', (chunk) => { output = `${output}${chunk}`.slice(-20_000); });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (status === 0) resolve();
      else if (signal === 'SIGINT') reject(new Interrupted());
      else reject(new Error(`"${command} ${args.join(' ')}" in ${cwd} failed (exit ${status}):\n${output.split('\n').slice(-40).join('\n')}`));
    });
  });
}

/**
 * CPU milliseconds (user + system) used so far by this process's finished children and their
 * descendants, from /proc (Linux: cutime + cstime, what `/usr/bin/time` reports); undefined elsewhere.
 * A descendant counts once its parent has waited for it, which every command here does (npm, npx,
 * projen's task runner, jest's workers, cdk's app): checked at start by checkCpuAccounting().
 * Less sensitive than wall-clock time to load from other processes on a shared machine.
 */
function childrenCpuMs() {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const stat = fs.readFileSync('/proc/self/stat', 'utf-8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3, "state"
  return (Number(fields[13]) + Number(fields[14])) * 1000 / CLOCK_TICKS; // cutime, cstime
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf-8' }).stdout) || 100;

/**
 * Fails unless the CPU time of a grandchild (a busy loop two processes down, which reports its
 * own CPU time) is counted.
 */
function checkCpuAccounting() {
  const busy = 'let x=0; for (let i=0; i<2e8; i++) x+=i; const u=process.cpuUsage(); console.log((u.user+u.system)/1000)';
  const before = childrenCpuMs();
  if (before === undefined) return;
  const own = Number(run('sh', ['-c', `node -e '${busy}'`], { cwd: ROOT }).stdout.trim());
  const counted = childrenCpuMs() - before;
  if (counted < own * 0.9) throw new Error(`CPU time of grandchildren is not counted (${counted} ms of at least ${own} ms)`);
}

/** Runs a command; returns its wall-clock and CPU time in milliseconds. */
function timed(command, args, options) {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  run(command, args, options);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuMs = cpuBefore === undefined ? undefined : childrenCpuMs() - cpuBefore;
  return { ms, cpuMs };
}

/**
 * `runs` alternating rounds of ours() then peer(), each returning { ms, cpuMs } (see timed).
 * Returns both sides' wall-clock samples and CPU samples.
 */
function alternate(runs, label, ours, peer) {
  const samples = { ours: [], peer: [] };
  const cpu = { ours: [], peer: [] };
  for (let i = 0; i < runs; i++) {
    for (const [side, once] of [['ours', ours], ['peer', peer]]) {
      const { ms, cpuMs } = once();
      samples[side].push(ms);
      if (cpuMs !== undefined) cpu[side].push(cpuMs);
    }
    const cpuText = (side) => (cpu[side][i] === undefined ? '' : ` (CPU ${fmtMs(cpu[side][i])})`);
    log(`  ${label} ${i + 1}/${runs}: ours ${fmtMs(samples.ours[i])}${cpuText('ours')}, peer ${fmtMs(samples.peer[i])}${cpuText('peer')}`);
  }
  return { samples, cpu };
}

/** Every file under a directory, recursively, except node_modules and .git. */
function countFiles(dir) {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    count += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
  }
  return count;
}

/** When npm last changed node_modules: a later value after a timed run means it reinstalled. */
function installStamp(repo) {
  return fs.statSync(path.join(repo, 'node_modules', '.package-lock.json')).mtimeMs;
}

function fmtMs(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function fmtUs(us) {
  return us < 1000 ? `${Math.round(us)} µs` : fmtMs(us / 1000);
}

function fmtKB(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

// ---------------------------------------------------------------------------------------------
// Setup (not timed)

/** lib/ is what the CLI runs and what `npm pack` ships: compile it if it is missing. */
function ensureCompiled() {
  if (fs.existsSync(path.join(ROOT, 'lib', 'cli', 'main.js'))) return;
  for (let attempt = 1; ; attempt++) {
    log('lib/ is missing: compiling with jsii…');
    try {
      run('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: ROOT });
      return;
    } catch (error) {
      // Someone may be halfway through editing a source file: give them a minute.
      if (attempt === 3) throw error;
      log(`  jsii failed (attempt ${attempt}); retrying in a minute`);
      spawnSync('sleep', ['60']);
    }
  }
}

function machine(noNetwork) {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf-8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf-8' }).stdout?.trim() ?? '';
  return {
    cpu: model.trim(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    npm: run('npm', ['--version'], { cwd: ROOT }).stdout.trim(),
    projen: require(path.join(ROOT, 'node_modules', 'projen', 'package.json')).version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (with uncommitted changes)' : ''}`,
    timedRunsNetwork: noNetwork.length ? `none (${noNetwork.join(' ')})` : 'available (npm offline only)',
  };
}

/** `npm pack` of this package: what the generated repo installs this package from. */
function pack(tmp) {
  const dir = fs.mkdtempSync(path.join(tmp, 'pack-'));
  run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT });
  return path.join(dir, fs.readdirSync(dir).find((file) => file.endsWith('.tgz')));
}

/** Our CLI writing a repo into `dir` (an empty directory): files only, as a team's first step. */
function createOurs(dir, extraArgs = []) {
  return timed('node', [CLI, path.basename(dir), '--yes', '--no-install', '--no-git', ...extraArgs],
    { cwd: path.dirname(dir), env: offlineEnv() });
}

/** projen's own awscdk-app-ts writing a repo into `dir` (an empty directory). */
function createPeer(dir) {
  return timed(PROJEN, ['new', 'awscdk-app-ts', '--no-post', '--no-git'], { cwd: dir, env: offlineEnv() });
}

/**
 * Both repos for phases 2 to 4, installed from the registry, then one `npx projen` each
 * (which pins the resolved versions in package.json and reinstalls once): after this nothing
 * is left to install.
 */
async function setUpRepos(tmp) {
  log('Setup: npm pack, generate both repos, npm install, first npx projen (not timed)');
  const tarball = pack(tmp);
  const ours = path.join(fs.mkdtempSync(path.join(tmp, 'ours-')), 'hybrid-app');
  const peer = path.join(fs.mkdtempSync(path.join(tmp, 'peer-')), 'cdk-app');
  fs.mkdirSync(ours);
  fs.mkdirSync(peer);
  createOurs(ours, ['--package-spec', `file:${tarball}`]);
  createPeer(peer);
  // The two repos are independent and mostly wait for the registry: side by side.
  log(`  npm install && npx projen in ${ours} and ${peer}`);
  await Promise.all([ours, peer].map(async (repo) => {
    await runInBackground('npm', ['install'], { cwd: repo });
    await runInBackground('npx', ['projen'], { cwd: repo });
  }));
  return { ours, peer, tarball };
}

/** Our repo only (for --runtime), installed and synthesized as in setUpRepos. */
async function setUpOurs(tmp) {
  log('Setup: npm pack, generate our repo, npm install, first npx projen (not timed)');
  const tarball = pack(tmp);
  const ours = path.join(fs.mkdtempSync(path.join(tmp, 'ours-')), 'hybrid-app');
  fs.mkdirSync(ours);
  createOurs(ours, ['--package-spec', `file:${tarball}`]);
  await runInBackground('npm', ['install'], { cwd: ours });
  await runInBackground('npx', ['projen'], { cwd: ours });
  return { ours, tarball };
}

// ---------------------------------------------------------------------------------------------
// Phases (timed)

/** 1. Time to files: from command to a complete repo on disk, nothing installed. */
function benchTimeToFiles(tmp) {
  log(`1. Time to files (${RUNS.files} alternating runs each)`);
  const fresh = (name) => {
    const dir = path.join(fs.mkdtempSync(path.join(tmp, 'files-')), name);
    fs.mkdirSync(dir);
    return dir;
  };
  const files = {};
  const times = alternate(RUNS.files, 'time to files',
    () => {
      const dir = fresh('hybrid-app');
      const time = createOurs(dir);
      files.ours = countFiles(dir);
      return time;
    },
    () => {
      const dir = fresh('cdk-app');
      const time = createPeer(dir);
      files.peer = countFiles(dir);
      return time;
    });
  return { ...times, files };
}

/**
 * `npx projen <args>` in both repos, alternating. Each timed run is checked for a reinstall
 * (node_modules/.package-lock.json rewritten): both sides must do comparable work.
 */
function benchProjen(repos, args, runs, label, noNetwork) {
  const reinstalls = { ours: 0, peer: 0 };
  const once = (side) => () => {
    const before = installStamp(repos[side]);
    const time = timed('npx', ['projen', ...args], { cwd: repos[side], env: offlineEnv(), prefix: noNetwork });
    if (installStamp(repos[side]) !== before) reinstalls[side]++;
    return time;
  };
  return { ...alternate(runs, label, once('ours'), once('peer')), reinstalls };
}

/** 2. Re-synthesis: `npx projen` with nothing to install, as after editing .projenrc.ts. */
function benchResynth(repos, noNetwork) {
  log(`2. Re-synthesis (${RUNS.resynth} alternating runs each)`);
  return benchProjen(repos, [], RUNS.resynth, 'npx projen', noNetwork);
}

/** 3. Build: `npx projen build` (synth, compile, cdk synth, tests, lint), as CI runs it. */
function benchBuild(repos, noNetwork) {
  log(`3. Build (${RUNS.build} alternating runs each)`);
  return benchProjen(repos, ['build'], RUNS.build, 'npx projen build', noNetwork);
}

/** The environment of phase 4: npm may reach the registry but takes what its cache holds. */
function cachedEnv() {
  return { ...baseEnv(), npm_config_prefer_offline: 'true' };
}

/** Two timed commands as one measure: their wall-clock and CPU times added. */
function sum(...times) {
  return {
    ms: times.reduce((total, time) => total + time.ms, 0),
    cpuMs: times.some((time) => time.cpuMs === undefined) ? undefined : times.reduce((total, time) => total + time.cpuMs, 0),
  };
}

/**
 * 4. Time to the first green build: from an empty directory to a passing `npx projen build`,
 * installing on the way (ours: the CLI, which installs; peer: `projen new`, which installs).
 */
function benchFirstGreen(tmp, tarball) {
  log(`4. First green build (${RUNS.green} alternating runs each)`);
  const fresh = (name) => {
    const dir = path.join(fs.mkdtempSync(path.join(tmp, 'green-')), name);
    fs.mkdirSync(dir);
    return dir;
  };
  const env = cachedEnv();
  return alternate(RUNS.green, 'first green build',
    () => {
      const dir = fresh('hybrid-app');
      const create = timed('node', [CLI, path.basename(dir), '--yes', '--no-git', '--package-spec', `file:${tarball}`],
        { cwd: path.dirname(dir), env });
      return sum(create, timed('npx', ['projen', 'build'], { cwd: dir, env }));
    },
    () => {
      const dir = fresh('cdk-app');
      const create = timed(PROJEN, ['new', 'awscdk-app-ts', '--no-git'], { cwd: dir, env });
      return sum(create, timed('npx', ['projen', 'build'], { cwd: dir, env }));
    });
}

/**
 * The esbuild command projen runs for the sample handler (`bundle:api/api.lambda` in
 * .projen/tasks.json), writing to `outfile` instead, plus `extraArgs`.
 */
function esbuildArgs(repo, outfile, extraArgs) {
  const task = JSON.parse(fs.readFileSync(path.join(repo, '.projen', 'tasks.json'), 'utf-8')).tasks['bundle:api/api.lambda'];
  const step = task.steps.find((s) => s.execArgs || s.exec);
  const argv = step.execArgs ?? step.exec.match(/(?:[^\s"]+|"[^"]*")+/g).map((arg) => arg.replace(/"/g, ''));
  if (path.basename(argv[0]) !== 'esbuild') throw new Error(`unexpected bundle step: ${argv.join(' ')}`);
  return [...argv.slice(1).filter((arg) => !arg.startsWith('--outfile=')), `--outfile=${outfile}`, ...extraArgs];
}

/** The repo's bundle step for another entry point, into `outfile`; returns `outfile`. */
function bundleEntry(repo, entry, outfile, noNetwork) {
  const args = esbuildArgs(repo, outfile, []).map((arg) => (arg === 'src/api/api.lambda.ts' ? entry : arg));
  run(path.join(repo, 'node_modules', '.bin', 'esbuild'), args, { cwd: repo, env: offlineEnv(), prefix: noNetwork });
  return outfile;
}

/** 6. The runtime: warm requests, sign-in and cold start, ours against bare Hono and a raw handler. */
function benchHandlers(repo, tmp, noNetwork) {
  return benchRuntime({
    repo, tmp, runs: RUNS.runtime, batches: RUNS.batches, perBatch: RUNS.perBatch,
    bundle: (entry, outfile) => bundleEntry(repo, entry, outfile, noNetwork),
    run, env: offlineEnv(), prefix: noNetwork, log,
  });
}

/** Median milliseconds a fresh Node process takes to require `file` (a cold-start proxy). */
function loadTime(file, runs, noNetwork) {
  const script = 'const t=process.hrtime.bigint(); require(process.argv[1]); ' +
    'console.log(Number(process.hrtime.bigint()-t)/1e6)';
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = run('node', ['-e', script, file], { cwd: path.dirname(file), env: offlineEnv(), prefix: noNetwork }).stdout;
    samples.push(Number(out.trim().split('\n').pop()));
  }
  return samples;
}

/** 4. The sample handler's bundle: plain (as projen writes it), minified, gzipped; load time. */
function benchBundle(repo, tmp, noNetwork) {
  log(`5. Lambda bundle (load time: ${RUNS.load} runs each)`);
  run('npx', ['projen', 'bundle'], { cwd: repo, env: offlineEnv(), prefix: noNetwork });
  const plain = path.join(repo, 'assets', 'api', 'api.lambda', 'index.js');
  const minified = path.join(fs.mkdtempSync(path.join(tmp, 'min-')), 'index.js');
  run(path.join(repo, 'node_modules', '.bin', 'esbuild'), esbuildArgs(repo, minified, ['--minify']),
    { cwd: repo, env: offlineEnv(), prefix: noNetwork });
  return {
    plainBytes: fs.statSync(plain).size,
    minifiedBytes: fs.statSync(minified).size,
    minifiedGzipBytes: zlib.gzipSync(fs.readFileSync(minified)).length,
    loadSamples: { plain: loadTime(plain, RUNS.load, noNetwork), minified: loadTime(minified, RUNS.load, noNetwork) },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

/**
 * One row: wall-clock and CPU-time medians, both ratios ours/peer, and the verdict: the target
 * is met when both ratios are within it ("wall only" / "CPU only" when one is).
 */
function timeRow(id, metric, { samples, cpu, reinstalls }, maxRatio) {
  const ours = median(samples.ours);
  const peer = median(samples.peer);
  const ratio = ours / peer;
  const cpuMs = cpu.ours.length ? { ours: median(cpu.ours), peer: median(cpu.peer) } : undefined;
  const cpuRatio = cpuMs ? cpuMs.ours / cpuMs.peer : undefined;
  const wallMet = ratio <= maxRatio;
  const cpuMet = cpuRatio === undefined ? wallMet : cpuRatio <= maxRatio;
  return {
    id, metric, unit: 'ms', ours, peer, ratio, cpuMs, cpuRatio,
    target: `≤ ${maxRatio.toFixed(1)}×`, targetRatio: maxRatio, met: wallMet && cpuMet,
    verdict: wallMet && cpuMet ? 'yes' : wallMet ? 'wall only' : cpuMet ? 'CPU only' : 'no',
    samples, cpuSamples: cpu, ...(reinstalls ? { reinstalls } : {}),
  };
}

/** The runtime's rows: medians over the fresh processes of each variant, ours against its peer. */
function runtimeRows(runtime) {
  const side = (name, wall, cpu) => ({ wall: runtime[name].map((r) => r[wall]), cpu: runtime[name].map((r) => r[cpu]) });
  const pair = (ours, peer, wall, cpu) => {
    const [a, b] = [side(ours, wall, cpu), side(peer, wall, cpu)];
    return { samples: { ours: a.wall, peer: b.wall }, cpu: { ours: a.cpu, peer: b.cpu } };
  };
  const us = (row) => ({ ...row, unit: 'us' });
  return [
    us(timeRow('runtimeWarm', 'Warm request (CPU and wall per request), generated handler vs bare Hono, same validator',
      pair('ours', 'hono', 'warmUs', 'warmCpuUs'), TARGETS.warm)),
    us(timeRow('runtimeSignIn', 'Warm request with sign-in on vs off: a new token each time (its signature checked), the key cached',
      pair('signIn', 'ours', 'warmUs', 'warmCpuUs'), TARGETS.signIn)),
    us(timeRow('runtimeSignInAgain', 'Warm request with sign-in on vs off: the same token each time (checked once)',
      pair('signInAgain', 'ours', 'warmUs', 'warmCpuUs'), TARGETS.signIn)),
    signInFloorRow(runtime),
    {
      ...us(timeRow('runtimeFloor', 'Warm request, raw handler (the floor) vs bare Hono', pair('raw', 'hono', 'warmUs', 'warmCpuUs'), 1)),
      target: 'report', met: null, verdict: '–',
    },
    timeRow('runtimeCold', 'Cold start (fresh `node` to the first answer), generated handler vs bare Hono',
      pair('ours', 'hono', 'coldMs', 'coldCpuMs'), TARGETS.cold),
    {
      id: 'runtimeRequire', metric: 'Bundle require time, generated handler vs bare Hono', unit: 'ms',
      ours: median(runtime.ours.map((r) => r.requireMs)), peer: median(runtime.hono.map((r) => r.requireMs)),
      ratio: median(runtime.ours.map((r) => r.requireMs)) / median(runtime.hono.map((r) => r.requireMs)), target: 'report', met: null,
    },
  ];
}

/**
 * The floor of sign-in with a new token: the handler without sign-in plus one ES256 check alone (`crypto.verify`,
 * key cached, timed in the new-token processes), against the handler without sign-in. No verifier can do better.
 */
function signInFloorRow(runtime) {
  const floor = median(runtime.signIn.map((r) => r.floorUs));
  const floorCpu = median(runtime.signIn.map((r) => r.floorCpuUs));
  const peer = median(runtime.ours.map((r) => r.warmUs));
  const peerCpu = median(runtime.ours.map((r) => r.warmCpuUs));
  return {
    id: 'runtimeSignInFloor', unit: 'us',
    metric: 'Floor of sign-in with a new token: the handler without it plus the ES256 check alone (`crypto.verify`, key cached)',
    ours: peer + floor, peer, ratio: (peer + floor) / peer,
    cpuMs: { ours: peerCpu + floorCpu, peer: peerCpu }, cpuRatio: (peerCpu + floorCpu) / peerCpu,
    floorUs: floor, floorCpuUs: floorCpu,
    target: 'report', met: null, verdict: '–',
  };
}

function rows(results) {
  const { files, resynth, build, green, bundle, runtime } = results;
  if (RUNTIME_ONLY) return [...bundleRows(bundle), ...runtimeRows(runtime)];
  return [
    timeRow('timeToFiles', 'Time to files (CLI vs `projen new awscdk-app-ts --no-post`)', files, TARGETS.timeToFiles),
    {
      id: 'filesWritten', metric: 'Files written', unit: 'files', ours: files.files.ours, peer: files.files.peer,
      ratio: files.files.ours / files.files.peer, target: 'richer', met: files.files.ours > files.files.peer,
    },
    timeRow('resynth', 'Re-synthesis (`npx projen`, nothing to change)', resynth, TARGETS.resynth),
    timeRow('build', 'Build (`npx projen build`, again)', build, TARGETS.build),
    timeRow('firstGreen', 'First green build (create with install, then build)', green, TARGETS.firstGreen),
    ...bundleRows(bundle),
    ...runtimeRows(runtime),
  ];
}

function bundleRows(bundle) {
  return [
    {
      id: 'bundleSize', metric: 'Lambda bundle (as `projen bundle` writes it)', unit: 'bytes',
      ours: bundle.plainBytes, peer: null, ratio: null, target: '', met: null,
    },
    {
      id: 'bundleMinified', metric: 'Lambda bundle, minified', unit: 'bytes', ours: bundle.minifiedBytes,
      peer: null, ratio: null, target: '< 100 KB', met: bundle.minifiedBytes < 100 * 1024,
      gzipBytes: bundle.minifiedGzipBytes,
    },
    {
      id: 'loadTime', metric: 'Lambda bundle load time (fresh `node`, require)', unit: 'ms',
      ours: median(bundle.loadSamples.plain), peer: null, ratio: null, target: 'report', met: null,
      minifiedMs: median(bundle.loadSamples.minified), samples: bundle.loadSamples,
    },
  ];
}

function cell(row, value) {
  if (value === null || value === undefined) return '–';
  if (row.unit === 'ms') return fmtMs(value);
  if (row.unit === 'us') return fmtUs(value);
  if (row.unit === 'bytes') return fmtKB(value);
  return String(value);
}

function table(rowList, info, seconds) {
  const load = (values) => values.map((value) => value.toFixed(1)).join(' / ');
  const lines = [
    `Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GB; Node ${info.node}, npm ${info.npm}, ` +
      `projen ${info.projen}; load average (1/5/15 min) ${load(info.loadAverage)} at the start, ` +
      `${load(info.loadAverageEnd ?? info.loadAverage)} at the end; ${info.date.slice(0, 10)}; commit ${info.commit}.`,
    `Medians of alternating runs (ours, peer, ours, …): time to files ×${RUNS.files}, re-synthesis ×${RUNS.resynth}, ` +
      `build ×${RUNS.build}, first green build ×${RUNS.green}, load ×${RUNS.load}, runtime ×${RUNS.runtime} fresh processes ` +
      `(${RUNS.batches} × ${RUNS.perBatch} warm requests each). Peer: projen's plain \`awscdk-app-ts\`; for the runtime, bare Hono ` +
      'with the same route and validator (Powertools at INFO, metrics on, sign-in off unless said). ' +
      `CPU: user + system time of the command and every process under it. ` +
      `Timed runs' network: ${info.timedRunsNetwork}; the first green builds install with npm preferring its cache. ` +
      `Whole run: ${Math.round(seconds)} s.`,
    '',
    '| metric | ours (wall / CPU) | peer (wall / CPU) | ratio wall | ratio CPU | target | met? |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  for (const row of rowList) {
    let ours = cell(row, row.ours);
    let peer = cell(row, row.peer);
    if (row.cpuMs) {
      ours += ` / ${cell(row, row.cpuMs.ours)}`;
      peer += ` / ${cell(row, row.cpuMs.peer)}`;
    }
    if (row.id === 'bundleMinified') ours += ` (${fmtKB(row.gzipBytes)} gzipped)`;
    if (row.id === 'loadTime') ours += ` (minified: ${fmtMs(row.minifiedMs)})`;
    if (row.id === 'runtimeSignInFloor') ours += ` (the check: ${fmtUs(row.floorUs)} / ${fmtUs(row.floorCpuUs)})`;
    const ratio = row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`;
    const cpuRatio = row.cpuRatio === undefined ? '–' : `${row.cpuRatio.toFixed(2)}×`;
    const verdict = row.verdict ?? (row.met === null ? '–' : row.met ? 'yes' : 'no');
    const met = verdict === 'yes' || verdict === '–' ? verdict : `**${verdict}**`;
    lines.push(`| ${row.metric} | ${ours} | ${peer} | ${ratio} | ${cpuRatio} | ${row.target || '–'} | ${met} |`);
  }
  // Both sides must do comparable work: say whether npm reinstalled during a timed run.
  const reinstalled = rowList.filter((r) => r.reinstalls && (r.reinstalls.ours || r.reinstalls.peer))
    .map((r) => `${r.metric}: ours ${r.reinstalls.ours}×, peer ${r.reinstalls.peer}×`);
  lines.push('', `npm reinstalls during timed runs of phases 2 and 3: ${reinstalled.length ? reinstalled.join('; ') : 'none'}.`);
  return lines.join('\n');
}

const README = path.join(ROOT, 'docs', 'performance.md');
const README_START = '<!-- bench:start (written by `npx projen bench -- --readme`) -->';
const README_END = '<!-- bench:end -->';

/**
 * A `--runtime` run's rows (bundle and runtime) in place of the rows of the same metric in docs/performance.md's
 * table, new ones after the last of them, and a line under the table saying which run they come from.
 */
function writeRuntimeRows(text, info) {
  const readme = fs.readFileSync(README, 'utf-8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`docs/performance.md has no ${README_START} … ${README_END} section`);
  const metricOf = (line) => line.split(' | ')[0].slice(2);
  const rowsOfRun = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| metric |'));
  const lines = readme.slice(start + README_START.length, end).split('\n');
  const NOTE = 'Bundle and runtime rows: ';
  let last = -1;
  for (const row of rowsOfRun) {
    const at = lines.findIndex((line) => line.startsWith('| ') && metricOf(line) === metricOf(row));
    if (at >= 0) lines[at] = row;
    else lines.splice(last + 1, 0, row);
    last = at >= 0 ? at : last + 1;
  }
  if (last < 0) throw new Error('docs/performance.md has no table to put the runtime rows in');
  const load = (values) => values.map((value) => value.toFixed(1)).join(' / ');
  const note = `${NOTE}\`npx projen bench -- --runtime --readme\` on ${info.date.slice(0, 10)}, commit ${info.commit}, load average ` +
    `${load(info.loadAverage)} at the start, ${load(info.loadAverageEnd ?? info.loadAverage)} at the end (runtime ×${RUNS.runtime} ` +
    `fresh processes of ${RUNS.batches} × ${RUNS.perBatch} warm requests); the other rows are from the whole run above.`;
  const noteAt = lines.findIndex((line) => line.startsWith(NOTE));
  if (noteAt >= 0) lines[noteAt] = note;
  else {
    let tableEnd = last;
    while (lines[tableEnd + 1]?.startsWith('| ')) tableEnd++;
    lines.splice(tableEnd + 1, 0, '', note);
  }
  fs.writeFileSync(README, `${readme.slice(0, start + README_START.length)}${lines.join('\n')}${readme.slice(end)}`);
}

/** Replaces the table between the bench markers of docs/performance.md with this run's. */
function writeReadme(text) {
  const readme = fs.readFileSync(README, 'utf-8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`docs/performance.md has no ${README_START} … ${README_END} section`);
  fs.writeFileSync(README, `${readme.slice(0, start + README_START.length)}\n${text}\n${readme.slice(end)}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = process.hrtime.bigint();
  ensureCompiled();
  checkCpuAccounting();
  const noNetwork = findNoNetworkPrefix();
  const info = machine(noNetwork);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-bench-'));
  try {
    const results = {};
    const repos = RUNTIME_ONLY ? await setUpOurs(tmp) : undefined;
    if (!RUNTIME_ONLY) {
      results.files = benchTimeToFiles(tmp);
      Object.assign(results, { repos: await setUpRepos(tmp) });
      results.resynth = benchResynth(results.repos, noNetwork);
      results.build = benchBuild(results.repos, noNetwork);
      results.green = benchFirstGreen(tmp, results.repos.tarball);
    }
    const ours = repos?.ours ?? results.repos.ours;
    results.bundle = benchBundle(ours, tmp, noNetwork);
    results.runtime = benchHandlers(ours, tmp, noNetwork);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    info.loadAverageEnd = os.loadavg().map((load) => Number(load.toFixed(2)));
    const rowList = rows(results);
    const text = table(rowList, info, seconds);
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify({ machine: info, runs: RUNS, targets: TARGETS, seconds, quick: QUICK, metrics: rowList }, null, 2)}\n`);
    console.log(text);
    log(`\nWrote ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
    if (flags.has('--readme')) {
      if (QUICK) log('Not writing docs/performance.md from a --quick run.');
      else if (RUNTIME_ONLY) {
        writeRuntimeRows(text, info);
        log('Wrote the bundle and runtime rows into docs/performance.md');
      } else {
        writeReadme(text);
        log('Wrote the table into docs/performance.md');
      }
    }
  } finally {
    if (flags.has('--keep')) log(`Kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// A missed target is a finding, not a failure: the exit code says only whether the bench ran.
// Ctrl-C reaches the running child too; the bench then stops and still removes its directories.
process.on('SIGINT', () => undefined);
main().catch((error) => {
  if (error instanceof Interrupted) {
    log('Interrupted.');
    process.exitCode = 130;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
