import * as fs from 'fs';
import * as path from 'path';
import { Component, DependencyType, javascript } from 'projen';
import { PACKAGE_NAME } from './upgrade';

/**
 * The tested set: the exact version of every dependency a generated repo gets, the set this package's own tests
 * ran with. `data/tested-versions.json` names the direct dependencies; `data/tested-lock.json` is the whole tree,
 * as npm locked it in a generated repo (without the root's name and without this package's own entry, whose
 * source depends on where a repo installs it from). Both are written by `npx projen tested-set` and change only
 * with a release of this package: a repo generated in six months installs what was tested today.
 */
export interface TestedVersions {
  /** The day the set was resolved (YYYY-MM-DD). */
  readonly recorded: string;
  /** The Node.js and npm versions it was resolved and tested with. */
  readonly node: string;
  readonly npm: string;
  /** Direct dependencies of a generated repo: name → exact version. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/** The parts of an npm lockfile (version 3) that the tested set reads and writes. */
export interface Lockfile {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Record<string, LockedPackage>;
}

export interface LockedPackage {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optional?: boolean;
  readonly [field: string]: unknown;
}

/** Where the tested set lives in this package. */
export const TESTED_SET_DIR = path.join(__dirname, '..', 'data');
export const TESTED_VERSIONS_FILE = 'tested-versions.json';
export const TESTED_LOCK_FILE = 'tested-lock.json';

let versions: TestedVersions | undefined;
let lockfile: Lockfile | undefined;

/** The tested direct dependencies (read once). */
export function testedVersions(): TestedVersions {
  return versions ??= JSON.parse(fs.readFileSync(path.join(TESTED_SET_DIR, TESTED_VERSIONS_FILE), 'utf-8'));
}

/** The tested dependency tree (read once, and only when a lockfile is to be written). */
export function testedLockfile(): Lockfile {
  return lockfile ??= JSON.parse(fs.readFileSync(path.join(TESTED_SET_DIR, TESTED_LOCK_FILE), 'utf-8'));
}

/** The tested version of a direct dependency, if the set has it. */
export function testedVersion(name: string): string | undefined {
  const { dependencies, devDependencies } = testedVersions();
  return dependencies[name] ?? devDependencies[name];
}

/**
 * What a package manager may run at install time, decided per package: allowed through projen's `allowScripts`
 * (npm 11's package.json field of the same name, pnpm's `onlyBuiltDependencies`), denied explicitly for npm, whose
 * install then lists no script as "not yet covered" (older npm ignores the field and runs every script).
 * - esbuild (the bundler of the handlers and the frontend): allowed. Its postinstall checks that the binary for this
 *   platform came with its optional dependency (fetching it from the registry only where optional dependencies were
 *   left out) and puts the binary in place of its JavaScript launcher.
 * - @parcel/watcher (jest-haste-map's file watcher, used by `jest --watch` only): denied. Its install script compiles
 *   the watcher from source with node-gyp, needed only where no prebuilt binary exists; the prebuilt ones (Linux,
 *   macOS, Windows; x64 and arm64) come as optional dependencies and work without it.
 * A team allows a package of its own with projen's `allowScripts` option in `.projenrc.ts`.
 */
export const INSTALL_SCRIPTS = { allowed: ['esbuild'], denied: ['@parcel/watcher'] } as const;

/**
 * projen options through which a team sets a dependency's version itself, and the packages they version.
 * Such a package is the team's: the tested set leaves it as projen writes it.
 */
const VERSION_OPTIONS: ReadonlyArray<{ readonly option: (options: Record<string, any>) => unknown; readonly packages: readonly string[] }> = [
  { option: (o) => o.cdkVersion, packages: ['aws-cdk-lib'] },
  { option: (o) => o.cdkCliVersion, packages: ['aws-cdk'] },
  { option: (o) => o.constructsVersion, packages: ['constructs'] },
  { option: (o) => o.typescriptVersion, packages: ['typescript'] },
  { option: (o) => o.projenVersion, packages: ['projen'] },
  { option: (o) => o.jestOptions?.jestVersion, packages: ['jest', '@types/jest'] },
  { option: (o) => o.bundlerOptions?.esbuildVersion, packages: ['esbuild'] },
];

/** A dependency the team versioned itself in `.projenrc.ts`, off the tested set. */
export interface RaisedDependency {
  readonly name: string;
  /** The team's version or range; undefined where a projen option (`cdkVersion`, …) versions it. */
  readonly version?: string;
  readonly type: DependencyType;
}

/**
 * The dependencies the team versioned in `.projenrc.ts`: a name with a version in `deps`, `devDeps` or `peerDeps`
 * (`deps: ['aws-cdk-lib@2.280.0']`), or a projen version option (`cdkVersion`, `cdkCliVersion`, …).
 */
export function raisedDependencies(options: Record<string, any>): RaisedDependency[] {
  const raised: RaisedDependency[] = [];
  const lists: Array<[unknown, DependencyType]> = [
    [options.deps, DependencyType.RUNTIME], [options.devDeps, DependencyType.BUILD], [options.peerDeps, DependencyType.PEER],
  ];
  for (const [list, type] of lists) {
    for (const spec of Array.isArray(list) ? list : []) {
      if (typeof spec !== 'string') continue;
      const { name, version } = parseSpec(spec);
      if (version && name !== PACKAGE_NAME) raised.push({ name, version, type });
    }
  }
  for (const { option, packages } of VERSION_OPTIONS) {
    if (option(options) !== undefined) {
      for (const name of packages) if (!raised.some((r) => r.name === name)) raised.push({ name, type: DependencyType.BUILD });
    }
  }
  return raised;
}

/** `name@version` (scoped names too) into its parts. */
export function parseSpec(spec: string): { name: string; version?: string } {
  const at = spec.indexOf('@', 1);
  return at === -1 ? { name: spec } : { name: spec.slice(0, at), version: spec.slice(at + 1) || undefined };
}

/** The lockfile key of a package installed at the top of node_modules. */
const top = (name: string) => `node_modules/${name}`;

/**
 * Puts a repo's direct dependencies on the tested set, and its npm lockfile with them. Managed behaviour of every
 * `npx projen`:
 * - package.json names the exact tested version of every dependency the tested set has, but those the team
 *   versioned itself in `.projenrc.ts` (see `raisedDependencies`), which keep the team's version;
 * - with npm, `package-lock.json` is written from the tested tree when the repo has none (a new repo), and moved onto
 *   the tested tree when a direct dependency the set pins is locked at another version (after an upgrade of this
 *   package, or a team's `npm install x@latest` that the pin undoes): the tested entries replace the repo's, the
 *   team's own packages stay, and the install that follows (projen's, or the CLI's) settles the rest. A repo whose
 *   direct dependencies are already on the set keeps its lockfile as it is.
 */
export class TestedDependencies extends Component {
  private readonly raised: readonly RaisedDependency[];

  constructor(private readonly app: javascript.NodeProject, options: Record<string, any>) {
    super(app);
    this.raised = raisedDependencies(options);
    // What may run at install time (see INSTALL_SCRIPTS); the team's `allowScripts` adds to it.
    app.package.addAllowedScripts(...INSTALL_SCRIPTS.allowed);
    if (app.package.packageManager === javascript.NodePackageManager.NPM) {
      for (const denied of INSTALL_SCRIPTS.denied) app.package.file.addOverride(`allowScripts.${denied}`, false);
    }
  }

  /** The team's versions, off the tested set, for `npx projen`'s output and the docs. */
  public get raisedDependencies(): readonly RaisedDependency[] {
    return this.raised;
  }

  /** Names the exact tested versions (components have added their dependencies by now). */
  public preSynthesize(): void {
    const deps = this.app.deps;
    for (const dep of deps.all) {
      if (dep.name === PACKAGE_NAME || dep.type === DependencyType.PEER) continue;
      const raised = this.raised.find((r) => r.name === dep.name);
      if (raised) {
        // projen's components add their tools unversioned after the options' lists, which replaces the team's
        // version: it is put back.
        if (raised.version && dep.version !== raised.version) deps.addDependency(`${dep.name}@${raised.version}`, dep.type);
        continue;
      }
      const tested = testedVersion(dep.name);
      if (tested && dep.version !== tested) deps.addDependency(`${dep.name}@${tested}`, dep.type);
    }
  }

  /** Writes or moves package-lock.json before projen's install (and the CLI's) reads it. */
  public synthesize(): void {
    if (this.app.package.packageManager !== javascript.NodePackageManager.NPM) return;
    const file = path.join(this.app.outdir, 'package-lock.json');
    const current: Lockfile | undefined = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined;
    const next = onTestedSet(current, this.app.package.packageName, this.raised.map((r) => r.name));
    if (next !== current) fs.writeFileSync(file, `${JSON.stringify(next, undefined, 2)}\n`);
  }
}

/**
 * The repo's lockfile on the tested tree, or `current` itself when its pinned direct dependencies are locked at
 * their tested versions already. `raised`: packages the team versioned, whose entries stay the repo's.
 */
export function onTestedSet(current: Lockfile | undefined, name: string, raised: readonly string[]): Lockfile {
  const { dependencies, devDependencies } = testedVersions();
  const pinned = Object.entries({ ...dependencies, ...devDependencies }).filter(([dep]) => !raised.includes(dep));
  if (current && pinned.every(([dep, version]) => current.packages[top(dep)]?.version === version)) return current;

  const tested = testedLockfile();
  const mine = (key: string) => raised.some((dep) => key === top(dep) || key.startsWith(`${top(dep)}/`));
  const packages: Record<string, LockedPackage> = { ...(current?.packages ?? { '': { ...tested.packages[''], name } }) };
  const testedKeys = Object.keys(tested.packages).filter((key) => key !== '' && !mine(key));
  for (const key of testedKeys) {
    // What was nested under a package belongs to the version it replaces.
    for (const nested of Object.keys(packages)) if (nested.startsWith(`${key}/`)) delete packages[nested];
  }
  for (const key of testedKeys) packages[key] = tested.packages[key];
  return {
    name: current?.name ?? name,
    version: current?.version ?? tested.version,
    lockfileVersion: current?.lockfileVersion ?? tested.lockfileVersion,
    requires: true,
    packages: sortedPackages(packages),
  };
}

/** npm's order: the root first, then the keys sorted. */
function sortedPackages(packages: Record<string, LockedPackage>): Record<string, LockedPackage> {
  const keys = Object.keys(packages).filter((key) => key !== '').sort((a, b) => a.localeCompare(b, 'en'));
  return Object.fromEntries([...(packages[''] ? [['', packages['']] as const] : []), ...keys.map((key) => [key, packages[key]] as const)]);
}

/** A direct dependency as the generated docs list it. */
export interface DependencyRow {
  readonly name: string;
  readonly version: string;
  /** The team versioned it in `.projenrc.ts` (off the tested set). */
  readonly raised: boolean;
}

/** The tested set as a generated repo's docs/architecture.md lists it, the team's raised versions marked. */
export function dependencyRows(raised: readonly RaisedDependency[]): { recorded: string; rows: DependencyRow[] } {
  const { recorded, dependencies, devDependencies } = testedVersions();
  const rows = Object.entries({ ...dependencies, ...devDependencies }).sort(([a], [b]) => a.localeCompare(b, 'en')).map(([name, version]) => {
    const team = raised.find((r) => r.name === name);
    return team ? { name, version: team.version ?? 'a projen option in .projenrc.ts', raised: true } : { name, version, raised: false };
  });
  return { recorded, rows };
}
