import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { LocalRegistry, repack, startRegistry } from './registry';
import { commit, freshDir, gitStatus, offTestedSet, ok, packTarball } from './util';
import { Lockfile, TESTED_LOCK_FILE, TESTED_VERSIONS_FILE, testedLockfile, testedVersion } from '../../src/tested-set';

// Upgrading a generated repo, by both documented routes, from releases published to a real npm
// registry on 127.0.0.1 (verdaccio, everything but this package proxied to the public registry).
// Each release changes a managed file; one `npx projen` must bring it, a second change nothing.
/**
 * A package of the tested tree that only others depend on, with no dependencies of its own, with an earlier release
 * (the latest before the tested one) that satisfies every range asking for it: moving it keeps the tree whole.
 */
function earlierTransitive(lock: Lockfile, releases: (name: string) => string[]): [string, string] {
  const direct = new Set(Object.keys({ ...lock.packages[''].dependencies, ...lock.packages[''].devDependencies }));
  const ranges = new Map<string, string[]>();
  for (const entry of Object.values(lock.packages)) {
    const asked = { ...entry.dependencies, ...(entry.optionalDependencies as object), ...(entry.peerDependencies as object) };
    for (const [name, range] of Object.entries(asked)) {
      ranges.set(name, [...ranges.get(name) ?? [], String(range)]);
    }
  }
  for (const [key, entry] of Object.entries(lock.packages)) {
    const name = key.slice('node_modules/'.length);
    const wanted = ranges.get(name) ?? [];
    if (!key.startsWith('node_modules/') || name.includes('node_modules/') || direct.has(name) || entry.inBundle || entry.optional
      || entry.dependencies || !entry.version || !wanted.length) continue;
    const fits = releases(name).filter((release) => semver.lt(release, entry.version!) && wanted.every((range) => semver.satisfies(release, range)));
    const earlier = semver.maxSatisfying(fits, '*');
    if (earlier) return [name, earlier];
  }
  throw new Error('no package of the tested tree can move to an earlier patch');
}

describe('a generated repo upgrades in one step', () => {
  const SENTENCE = 'The settings this app was generated with.';
  const release = (tarball: string, version: string, change?: (pkg: string) => void) =>
    repack(tarball, version, (js) => js.replace(SENTENCE, `The settings this app was generated with (release ${version}).`), [], change);
  // A release whose tested set moves a direct dependency and a transitive one (each to its release before the
  // tested one, with the registry's checksum): an upgrade must bring the repo onto that set, the transitive
  // package too (which npm alone would leave where it is), and the next release's set back.
  const MOVED = '@types/aws-lambda';
  const testedMoved = testedVersion(MOVED)!;
  let moved: { version: string; transitive: string; lock: Lockfile };
  const movingTheSet = (pkg: string) => {
    const data = (file: string) => path.join(pkg, 'data', file);
    const versions = JSON.parse(fs.readFileSync(data(TESTED_VERSIONS_FILE), 'utf-8'));
    versions.devDependencies[MOVED] = moved.version;
    fs.writeFileSync(data(TESTED_VERSIONS_FILE), JSON.stringify(versions, undefined, 2));
    fs.writeFileSync(data(TESTED_LOCK_FILE), JSON.stringify(moved.lock, undefined, 2));
  };
  // A major version of its own per run: npx and npm's cache keep what an earlier run published
  // under the same version, from another registry.
  const MAJOR = 100 + (Math.floor(Date.now() / 1000) % 1_000_000);
  const v = (minor: number) => `${MAJOR}.${minor}.0`;
  const parent = freshDir('chs-e2e-upgrade-');
  const repo = path.join(parent, 'upgraded-app');
  let registry: LocalRegistry;
  let tarball: string;
  const env = () => ({ env: { ...registry.env, CI: '' } });
  const publish = (file: string) => ok('npm', ['publish', file, '--access', 'public'], parent, env());
  const managed = () => fs.readFileSync(path.join(repo, 'src/hybrid/config.ts'), 'utf-8');
  const spec = () => JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).devDependencies['create-hybrid-serverless'];
  const devDependency = (name: string) => JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).devDependencies[name];
  const locked = (name: string) => JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf-8')).packages[`node_modules/${name}`];
  const installed = () => JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/create-hybrid-serverless/package.json'), 'utf-8')).version;

  beforeAll(async () => {
    registry = await startRegistry();
    tarball = packTarball();
    const lock = structuredClone(testedLockfile());
    const integrity = (name: string, version: string) => ok('npm', ['view', `${name}@${version}`, 'dist.integrity'], parent, env()).trim();
    const versions: string[] = JSON.parse(ok('npm', ['view', MOVED, 'versions', '--json'], parent, env()));
    const version = versions[versions.indexOf(testedMoved) - 1];
    lock.packages[`node_modules/${MOVED}`] = { ...lock.packages[`node_modules/${MOVED}`], version, integrity: integrity(MOVED, version) };
    lock.packages[''].devDependencies![MOVED] = version;
    const [transitive, earlier] = earlierTransitive(lock, (name) => JSON.parse(ok('npm', ['view', name, 'versions', '--json'], parent, env())));
    lock.packages[`node_modules/${transitive}`] = { ...lock.packages[`node_modules/${transitive}`], version: earlier, integrity: integrity(transitive, earlier) };
    moved = { version, transitive, lock };
  });
  afterAll(() => registry?.stop());

  test('the first release, generated by its CLI and installed from the registry, names a spec that takes compatible releases', () => {
    publish(release(tarball, v(0)));
    ok('npm', ['exec', '--yes', `--package=create-hybrid-serverless@${v(0)}`, '--', 'create-hybrid-serverless', 'upgraded-app', '--yes'],
      parent, env());
    expect(spec()).toBe(`^${v(0)}`);
    expect(installed()).toBe(v(0));
    expect(managed()).toContain(`(release ${v(0)})`);
    expect(fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8')).not.toContain('create-hybrid-serverless@');
    expect(gitStatus(repo)).toBe('');
    // The team's src/main.ts as the package wrote it before environments (one stack, no Stage):
    // owned, so no upgrade rewrites it, and it must keep building the same stack.
    fs.writeFileSync(path.join(repo, 'src/main.ts'), fs.readFileSync(path.join(__dirname, 'fixtures', 'legacy-main.ts'), 'utf-8')
      .replace('__STACK__', 'UpgradedApp'));
    commit(repo, 'the main.ts of a repo generated before environments');
  });

  test('the repo\'s own `npx projen upgrade` brings the next minor release, its managed files and its tested set', () => {
    expect(offTestedSet(repo)).toEqual([]);
    publish(release(tarball, v(1), movingTheSet));
    ok('npx', ['projen', 'upgrade'], repo, env());
    expect(installed()).toBe(v(1));
    expect(spec()).toBe(`^${v(1)}`);
    expect(managed()).toContain(`(release ${v(1)})`);
    // The release's set, in package.json, the lockfile and node_modules: the one package it moved, and nothing else.
    expect(devDependency(MOVED)).toBe(moved.version);
    expect(locked(MOVED)).toEqual(moved.lock.packages[`node_modules/${MOVED}`]);
    expect(offTestedSet(repo, moved.lock.packages)).toEqual([]);
    expect(locked(moved.transitive)).toEqual(moved.lock.packages[`node_modules/${moved.transitive}`]);
    commit(repo, `upgrade to ${v(1)}`);
    ok('npx', ['projen'], repo, env());
    expect(gitStatus(repo)).toBe('');
  });

  test('`npm install -D create-hybrid-serverless@latest && npx projen` brings the latest release, its managed files and its set', () => {
    publish(release(tarball, v(2)));
    ok('npm', ['install', '-D', 'create-hybrid-serverless@latest'], repo, env());
    ok('npx', ['projen'], repo, env());
    expect(installed()).toBe(v(2));
    expect(spec()).toBe(`^${v(2)}`);
    expect(managed()).toContain(`(release ${v(2)})`);
    expect(devDependency(MOVED)).toBe(testedMoved);
    expect(offTestedSet(repo)).toEqual([]);
    commit(repo, `upgrade to ${v(2)}`);
    ok('npx', ['projen'], repo, env());
    expect(gitStatus(repo)).toBe('');
  });

  test('a version named in .projenrc.ts is followed in one `npx projen`, though the old release ran it', () => {
    publish(release(tarball, v(3)));
    const projenrc = path.join(repo, '.projenrc.ts');
    fs.writeFileSync(projenrc, fs.readFileSync(projenrc, 'utf-8').replace('new HybridServerlessApp({',
      `new HybridServerlessApp({\n  devDeps: ['create-hybrid-serverless@^${v(3)}'],`));
    const output = ok('npx', ['projen'], repo, env());
    expect(output).toContain(`create-hybrid-serverless ${v(3)} is installed, ${v(2)} ran: synthesizing again with ${v(3)}`);
    expect(installed()).toBe(v(3));
    expect(managed()).toContain(`(release ${v(3)})`);
    commit(repo, `pin ${v(3)}`);
    ok('npx', ['projen'], repo, env());
    expect(gitStatus(repo)).toBe('');
  });

  test('still builds the same single stack from the team\'s older src/main.ts after the upgrades', () => {
    const output = ok('npx', ['projen', 'build'], repo, env());
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(fs.existsSync(path.join(repo, 'cdk.out', 'UpgradedApp.template.json'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'cdk.out', 'assembly-dev'))).toBe(false);
  });
});
