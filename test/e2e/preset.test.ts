import * as fs from 'fs';
import * as path from 'path';
import { LocalRegistry, startRegistry } from './registry';
import { commit, copyRepo, freshDir, gitStatus, ok, packTarball, run } from './util';

// A company preset as a platform team publishes it, to a real npm registry on 127.0.0.1 (verdaccio): a repo generated
// with --preset takes its values, follows the preset's next release in one `npx projen`, and refuses a locked value
// changed in .projenrc.ts. The repo installs from the registry its preset names (npmRegistry, in its .npmrc), not from npm's.
describe('a company preset', () => {
  const NAME = '@acme/hybrid-preset';
  // A major version of its own per run: npm's cache keeps what an earlier run published under the same version.
  const MAJOR = 100 + (Math.floor(Date.now() / 1000) % 1_000_000);
  const parent = freshDir('chs-e2e-preset-');
  let registry: LocalRegistry;
  let tarball: string;
  let repo: string;
  // Publishing needs the registry's token; the repo's own commands run as at a team's terminal, with its .npmrc only.
  const env = () => ({ env: { ...registry.env, CI: '' } });
  const teamEnv = () => ({ env: { CI: '' } });
  const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');

  /** Publishes a release of the preset: package.json (its range of this package) and index.js calling definePreset. */
  function publishPreset(version: string, locked: object): void {
    const dir = freshDir('chs-e2e-preset-pkg-');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: NAME, version, main: 'index.js', peerDependencies: { 'create-hybrid-serverless': '*' },
    }, undefined, 2));
    fs.writeFileSync(path.join(dir, 'index.js'), [
      'const { definePreset } = require(\'create-hybrid-serverless/preset\');',
      `module.exports = definePreset(${JSON.stringify({ defaults: { region: 'eu-central-1' }, locked: { ...locked, npmRegistry: registry.url } }, undefined, 2)});`,
      '',
    ].join('\n'));
    ok('npm', ['publish', '--access', 'public'], dir, env());
  }

  beforeAll(async () => {
    registry = await startRegistry();
    tarball = packTarball();
    publishPreset(`${MAJOR}.0.0`, { corporateCidrs: ['10.40.0.0/14'], tags: { CostCenter: 'platform' }, permissionsBoundary: 'acme-boundary' });
    ok('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'create-hybrid-serverless', 'acme-app', '--yes', '--preset', NAME,
      '--vpc-id', 'vpc-0aaa1111bbbb22223', '--package-spec', `file:${tarball}`], parent, env());
    repo = path.join(parent, 'acme-app');
  });
  afterAll(() => registry?.stop());

  // A preset's repo builds and deploys with what its landing zone locks: deploy-rehearsal.test.ts.
  test('the CLI writes .projenrc.ts naming the preset, the repo depends on it and installs from its registry', () => {
    const projenrc = read(repo, '.projenrc.ts');
    expect(projenrc).toContain(`preset: '${NAME}',`);
    expect(projenrc).toContain('vpcId: \'vpc-0aaa1111bbbb22223\'');
    // The preset's values stay in the preset.
    for (const value of ['10.40.0.0/14', 'CostCenter', 'eu-central-1', 'acme-boundary']) expect(projenrc).not.toContain(value);
    expect(JSON.parse(read(repo, 'package.json')).devDependencies[NAME]).toBe(`^${MAJOR}.0.0`);
    expect(read(repo, '.npmrc')).toContain(`registry=${registry.url}`);
    const config = read(repo, 'src/hybrid/config.ts');
    for (const value of ['\'10.40.0.0/14\'', 'CostCenter: \'platform\'', 'region: \'eu-central-1\'', 'permissionsBoundary: \'acme-boundary\'']) {
      expect(config).toContain(value);
    }
    expect(gitStatus(repo)).toBe('');
  });

  test('the preset\'s next release reaches the managed files with one `npx projen`; a second changes nothing', () => {
    const copy = copyRepo(repo);
    publishPreset(`${MAJOR}.1.0`, {
      corporateCidrs: ['10.40.0.0/14', '172.20.0.0/16'], tags: { CostCenter: 'platform', DataClass: 'internal' }, permissionsBoundary: 'acme-boundary',
    });
    // From the registry the repo's .npmrc names: without it, npm's own registry has no such package.
    ok('npm', ['install', '-D', `${NAME}@${MAJOR}.1.0`], copy, teamEnv());
    ok('npx', ['projen'], copy, teamEnv());
    const config = read(copy, 'src/hybrid/config.ts');
    expect(config).toContain('\'172.20.0.0/16\'');
    expect(config).toContain('DataClass: \'internal\'');
    expect(read(copy, '.projenrc.ts')).toBe(read(repo, '.projenrc.ts'));
    expect(JSON.parse(read(copy, 'package.json')).devDependencies[NAME]).toMatch(new RegExp(`^\\^?${MAJOR}\\.1\\.0$`));
    commit(copy, 'the preset\'s next release');
    ok('npx', ['projen'], copy, teamEnv());
    expect(gitStatus(copy)).toBe('');
  });

  test('a value the preset locks, set otherwise in .projenrc.ts, stops `npx projen` with the preset named; nothing is rewritten', () => {
    const copy = copyRepo(repo);
    const projenrc = path.join(copy, '.projenrc.ts');
    fs.writeFileSync(projenrc, read(copy, '.projenrc.ts').replace('new HybridServerlessApp({', 'new HybridServerlessApp({\n  corporateCidrs: [\'10.0.0.0/8\'],'));
    const result = run('npx', ['projen'], copy, teamEnv());
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`corporateCidrs: .projenrc.ts sets ["10.0.0.0/8"], but the preset ${NAME} locks it to ["10.40.0.0/14"]. ` +
      'Remove corporateCidrs from .projenrc.ts (the locked value applies), or ask the preset\'s owners to move it from locked to defaults.');
    expect(gitStatus(copy)).toBe(' M .projenrc.ts');
  });
});
