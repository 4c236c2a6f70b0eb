import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as semver from 'semver';
import { createWithInstalledCli, freshDir, linkModules, ok, ROOT, run, sharedInstall } from './util';
import { Lockfile, TESTED_LOCK_FILE, TESTED_SET_DIR, TESTED_VERSIONS_FILE, TestedVersions, testedVersions } from '../../src/tested-set';

// The drift canary's machinery: generated repos built with other versions of their dependencies than the tested
// set (the newest releases, or a given candidate set), each raised the way a team raises one (a version in
// .projenrc.ts), and, when a build breaks, the upstream release that breaks it named by building with each moved
// package alone. test/e2e/canary.test.ts runs it; `npx projen canary` and `npx projen tested-set` are its modes.

/** A combination of the CLI's choices that the canary generates. */
export interface Combination {
  readonly name: string;
  readonly args: readonly string[];
}

/** Every topology, with and without a frontend where it has one, and sign-in once. */
export const COMBINATIONS: readonly Combination[] = [
  { name: 'alb-lambda', args: ['-t', 'alb-lambda'] },
  { name: 'alb-lambda --frontend', args: ['-t', 'alb-lambda', '--frontend'] },
  { name: 'apigw-vpce', args: ['-t', 'apigw-vpce'] },
  { name: 'apigw-vpce --frontend, sign-in', args: ['-t', 'apigw-vpce', '--frontend'] },
  { name: 'apigw-private-domain', args: ['-t', 'apigw-private-domain'] },
];

/** The sign-in added to a combination whose name says so (in .projenrc.ts, as a team writes it). */
const SIGN_IN = "auth: { issuer: 'https://login.example.com', authorizationEndpoint: 'https://login.example.com/authorize', "
  + "tokenEndpoint: 'https://login.example.com/token', userInfoEndpoint: 'https://login.example.com/userinfo', "
  + "clientId: 'app', clientSecret: 'app/oidc-client-secret' },";

/** name → version, for every direct dependency of the set. */
export function flatten(set: Pick<TestedVersions, 'dependencies' | 'devDependencies'>): Record<string, string> {
  return { ...set.dependencies, ...set.devDependencies };
}

/** A move away from the tested set: one package at another version. */
export interface Move {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

const npm = promisify(execFile);

/**
 * The newest release of each tested package within its tested major (what a `^` range would install today, from
 * the registry npm is configured with), and the newest release outside it, for the report.
 */
export async function newestReleases(tested: Record<string, string>): Promise<{ moves: Move[]; majors: Move[] }> {
  const entries = await Promise.all(Object.entries(tested).map(async ([name, version]) => {
    const { stdout } = await npm('npm', ['view', name, 'versions', 'dist-tags.latest', '--json'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const view = JSON.parse(stdout);
    return { name, version, ...newest(view.versions, view['dist-tags.latest'], version) };
  }));
  return {
    moves: entries.filter((e) => e.inMajor !== e.version).map((e) => ({ name: e.name, from: e.version, to: e.inMajor })),
    majors: entries.filter((e) => e.latest !== e.inMajor && major(e.latest) !== major(e.version))
      .map((e) => ({ name: e.name, from: e.version, to: e.latest })),
  };
}

/**
 * Of a package's published versions (in the registry's order, which is not semver's), the newest within the tested
 * version's `^` range, and the `latest` tag's (or the newest stable) release.
 */
export function newest(versions: readonly string[], latest: string | undefined, tested: string): { inMajor: string; latest: string } {
  const stable = versions.filter((v) => semver.valid(v) && !semver.prerelease(v));
  const inMajor = semver.maxSatisfying(stable, `^${tested}`) ?? tested;
  return { inMajor: semver.gt(inMajor, tested) ? inMajor : tested, latest: latest ?? semver.maxSatisfying(stable, '*') ?? tested };
}

const major = (version: string) => version.split('.')[0];

/** The result of building one combination with some moves. */
export interface Trial {
  readonly combination: string;
  readonly moves: readonly Move[];
  readonly green: boolean;
  /** Where it stopped, and the lines that say why. */
  readonly failure?: string;
  readonly repo: string;
}

export interface TrialOptions {
  /** The packed package to generate with. */
  readonly tarball: string;
  /** node_modules of a repo to start from, linked in to save an install (else the run's shared one, if any). */
  readonly installed?: string;
  /**
   * Resolve the whole tree afresh (no lockfile, no node_modules): the newest transitive releases too, as a repo
   * without the tested lockfile would get them. Otherwise the tested lockfile stays and only the moved packages
   * (and what they need) are resolved again.
   */
  readonly fresh?: boolean;
}

/**
 * Generates a combination with the CLI, raises the moved packages in .projenrc.ts (`deps`/`devDeps` with their
 * versions, as a team would), installs (from a copy of `installed` where given, as the repo's own `npm install`
 * then settles it), runs `npx projen` (which installs the raised versions) and the repo's own `npx projen build`.
 */
export function trial(combination: Combination, moves: readonly Move[], options: TrialOptions): Trial {
  const parent = freshDir('chs-canary-');
  const repo = path.join(parent, 'app');
  createWithInstalledCli(options.tarball, parent, ['app', '--yes', '--no-install', '--no-git', ...combination.args]);
  raise(repo, moves, combination.name.includes('sign-in') ? [SIGN_IN] : []);
  const stop = (step: string, output: string): Trial => ({ combination: combination.name, moves, green: false, failure: `${step}:\n${why(output)}`, repo });
  // The tree of a repo with the same dependencies, where there is one: npm then settles only the moves.
  const installed = options.installed ?? sharedInstall(repo);
  if (installed) linkModules(installed, repo);
  for (const [command, args] of [['npm', ['install']], ['npx', ['projen']]] as const) {
    const step = run(command, [...args], repo);
    if (step.status !== 0) return stop(`${command} ${args.join(' ')}`, step.output);
  }
  if (options.fresh) {
    fs.rmSync(path.join(repo, 'node_modules'), { recursive: true, force: true });
    fs.rmSync(path.join(repo, 'package-lock.json'), { force: true });
    const step = run('npm', ['install'], repo);
    if (step.status !== 0) return stop('npm install (afresh)', step.output);
  }
  const build = run('npx', ['projen', 'build'], repo);
  if (build.status !== 0) return stop('npx projen build', build.output);
  return { combination: combination.name, moves, green: true, repo };
}

/** Writes the moves (and any extra options) into the repo's .projenrc.ts, as a team raises a dependency. */
export function raise(repo: string, moves: readonly Move[], extra: readonly string[] = []): void {
  const file = path.join(repo, '.projenrc.ts');
  const projenrc = fs.readFileSync(file, 'utf-8');
  const runtime = new Set(Object.keys(testedVersions().dependencies));
  const specs = (keep: (name: string) => boolean) => moves.filter((m) => keep(m.name)).map((m) => `'${m.name}@${m.to}'`);
  const lines = [
    ...extra,
    ...(specs((name) => runtime.has(name)).length ? [`deps: [${specs((name) => runtime.has(name)).join(', ')}],`] : []),
    ...(specs((name) => !runtime.has(name)).length ? [`devDeps: [${specs((name) => !runtime.has(name)).join(', ')}],`] : []),
  ];
  const raised = lines.length ? projenrc.replace('new HybridServerlessApp({', `new HybridServerlessApp({\n${lines.map((l) => `  ${l}`).join('\n')}`) : projenrc;
  if (lines.length && raised === projenrc) throw new Error(`${file} does not construct HybridServerlessApp as generated`);
  fs.writeFileSync(file, raised);
}

/**
 * The lines of a failed command's output that say why, at most 20: errors and failed tests and checks, with the
 * findings listed under a failed validation; not projen's echo of each task's command line.
 */
export function why(output: string): string {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const telling = new Set<number>();
  lines.forEach((line, i) => {
    if (line.startsWith('👾') && !/failed/.test(line)) return;
    if (/error|Error|failed|✕|●|Cannot find|ERESOLVE|ETARGET|AwsSolutions-/.test(line)) telling.add(i);
    // A validation's findings follow on the lines under it.
    if (/Validation failed/.test(line)) for (let j = i + 1; j < Math.min(lines.length, i + 6) && /^\s+\S/.test(lines[j]); j++) telling.add(j);
  });
  const chosen = telling.size ? [...telling].sort((a, b) => a - b).map((i) => lines[i]) : lines.slice(-20);
  return chosen.filter((line) => !/^\s+at /.test(line)).slice(0, 20).map((line) => `    ${line}`).join('\n');
}

/** What the canary found: each combination's result, and for each broken one the moves that break it alone. */
export interface CanaryReport {
  readonly moves: readonly Move[];
  readonly majors: readonly Move[];
  readonly trials: readonly Trial[];
  /** combination → the moves that break it on their own; empty when only several together (or transitive releases) do. */
  readonly culprits: Readonly<Record<string, readonly Move[]>>;
}

/**
 * Builds every combination with all the moves; for each that breaks, builds it with each move alone (the rest on
 * the tested set) and names the moves that break it on their own. `build` is `trial` but in the canary's own tests.
 */
export function canary(combinations: readonly Combination[], moves: readonly Move[], majors: readonly Move[], options: TrialOptions,
  build: typeof trial = trial): CanaryReport {
  const trials: Trial[] = [];
  const culprits: Record<string, Move[]> = {};
  // After the first install, each repo starts from a copy of one that has every package (npm settles the moves).
  let installed = options.installed;
  for (const combination of combinations) {
    const all = build(combination, moves, { ...options, installed });
    trials.push(all);
    installed ??= path.join(all.repo, 'node_modules');
    if (all.green) continue;
    culprits[combination.name] = [];
    if (moves.length < 2 && !options.fresh) {
      culprits[combination.name].push(...moves);
      continue;
    }
    for (const move of moves) {
      const alone = build(combination, [move], { ...options, installed, fresh: false });
      trials.push(alone);
      if (!alone.green) culprits[combination.name].push(move);
    }
  }
  return { moves, majors, trials, culprits };
}

/** The report as Markdown, for the terminal, the workflow's summary and its issue. */
export function markdown(report: CanaryReport, tested: TestedVersions): string {
  const move = (m: Move) => `\`${m.name}\` ${m.from} → ${m.to}`;
  const lines = ['# Dependency drift canary', '',
    `Tested set of ${tested.recorded} (${Object.keys(flatten(tested)).length} direct dependencies), against `
    + (report.moves.length ? `${report.moves.length} newer releases:` : 'no newer release.'), ''];
  for (const m of report.moves) lines.push(`- ${move(m)}`);
  const broken = Object.keys(report.culprits);
  lines.push('', broken.length ? `## Broken: ${broken.length} of ${new Set(report.trials.map((t) => t.combination)).size} combinations` : '## Every combination builds green', '');
  for (const combination of broken) {
    const names = report.culprits[combination];
    lines.push(names.length
      ? `- **${combination}**: broken by ${names.map(move).join(', ')}`
      : `- **${combination}**: broken only with several moves together or by a transitive release (no move breaks it alone)`);
    const failed = report.trials.find((t) => t.combination === combination && !t.green);
    if (failed?.failure) lines.push('', '  ```', ...failed.failure.split('\n').map((l) => `  ${l}`), '  ```', '');
  }
  if (!broken.length && report.moves.length) lines.push('The set can move: run `npx projen tested-set`, then the package\'s tests.');
  if (report.majors.length) {
    lines.push('', '## Newer majors (not tried: a major moves by a release of this package)', '');
    for (const m of report.majors) lines.push(`- ${move(m)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Records a repo's installed tree as the tested set: data/tested-versions.json (its direct dependencies, exact),
 * data/tested-lock.json (its lockfile without the root's name and without this package's entry) and
 * data/cdk-feature-flags.json (the flags `cdk init` writes for its aws-cdk-lib).
 */
export function record(repo: string, into = TESTED_SET_DIR): TestedVersions {
  const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8'));
  const lock: Lockfile = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf-8'));
  const ours = 'node_modules/create-hybrid-serverless';
  const exact = (deps: Record<string, string> = {}) => Object.fromEntries(Object.keys(deps).filter((name) => name !== 'create-hybrid-serverless')
    .sort().map((name) => [name, lock.packages[`node_modules/${name}`].version!]));
  const versions: TestedVersions = {
    recorded: new Date().toISOString().slice(0, 10),
    node: process.version,
    npm: ok('npm', ['--version'], repo).trim(),
    dependencies: exact(manifest.dependencies),
    devDependencies: exact(manifest.devDependencies),
  };
  const packages = Object.fromEntries(Object.entries(lock.packages)
    .filter(([key]) => key !== ours && !key.startsWith(`${ours}/`))
    .map(([key, entry]) => [key, key === '' ? { name: 'tested-set', version: '0.0.0', dependencies: versions.dependencies, devDependencies: versions.devDependencies } : entry]));
  const write = (file: string, value: unknown) => fs.writeFileSync(path.join(into, file), `${JSON.stringify(value, undefined, 2)}\n`);
  write(TESTED_VERSIONS_FILE, {
    '//': 'The exact versions of the direct dependencies every generated repo installs: what this package was tested with. '
      + 'Written by `npx projen tested-set`, with tested-lock.json (the whole tree).',
    ...versions,
  });
  write(TESTED_LOCK_FILE, { name: 'tested-set', version: '0.0.0', lockfileVersion: lock.lockfileVersion, requires: true, packages });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cxapi = require(require.resolve('aws-cdk-lib/cx-api', { paths: [repo] }));
  write('cdk-feature-flags.json', cxapi.CURRENTLY_RECOMMENDED_FLAGS);
  return versions;
}
