import * as fs from 'fs';
import * as path from 'path';
import { ACME, presetPackage, repoWithPreset } from './fixture';
import { generate } from '../../src/generate';
import { fromModule } from '../../src/preset/load';
import { resolve, resolveSettings, settingsToWrite } from '../../src/settings';
import { freshDir, newProject, synth } from '../util';

const layer = () => fromModule('@acme/hybrid-preset', '/x/index.js', ACME).layer;

describe('resolution with a preset', () => {
  test('a preset default applies where the team sets nothing; the team\'s own value wins over it', () => {
    const alone = resolve([layer(), { source: '.projenrc.ts', values: {} }]);
    expect(alone.problems).toEqual([]);
    expect(alone.settings).toMatchObject({ region: 'eu-central-1', domain: 'app.corp.acme.example', corporateCidrs: ['10.40.0.0/14'], nagPacks: ['NIST80053R5Checks'] });
    expect(alone.sources.region).toBe('the preset @acme/hybrid-preset');
    const mine = resolve([layer(), { source: '.projenrc.ts', values: { region: 'us-east-1' } }]);
    expect(mine.settings.region).toBe('us-east-1');
    expect(mine.sources.region).toBe('.projenrc.ts');
  });

  test('a locked value may be repeated; another value is refused naming the preset, the setting, both values and the fix', () => {
    expect(resolve([layer(), { source: '.projenrc.ts', values: { corporateCidrs: ['10.40.0.0/14'] } }]).problems).toEqual([]);
    expect(() => resolveSettings({ corporateCidrs: ['10.0.0.0/8'] }, 'Invalid HybridServerlessApp options in .projenrc.ts', [layer()])).toThrow(
      'Invalid HybridServerlessApp options in .projenrc.ts:\n' +
      '  - corporateCidrs: .projenrc.ts sets ["10.0.0.0/8"], but the preset @acme/hybrid-preset locks it to ["10.40.0.0/14"]. ' +
      'Remove corporateCidrs from .projenrc.ts (the locked value applies), or ask the preset\'s owners to move it from locked to defaults.');
  });

  test('an environment may not change a locked setting either', () => {
    const { problems } = resolve([layer(), {
      source: '.projenrc.ts',
      values: { environments: [{ name: 'dev', permissionsBoundary: 'acme-boundary' }, { name: 'prod', tags: { CostCenter: 'orders' } }] },
    }]);
    expect(problems).toEqual([{
      key: 'environments[1].tags',
      message: '.projenrc.ts sets {"CostCenter":"orders"}, but the preset @acme/hybrid-preset locks it to {"CostCenter":"platform"}. ' +
        'Remove environments[1].tags from .projenrc.ts (the locked value applies), or ask the preset\'s owners to move it from locked to defaults.',
    }]);
  });

  test('a bad value in the preset is named by the setting, like any other', () => {
    const bad = fromModule('@acme/hybrid-preset', '/x/index.js', { locked: { corporateCidrs: ['0.0.0.0/0'] } }).layer;
    expect(resolve([bad, { source: '.projenrc.ts', values: {} }]).problems).toEqual([{ key: 'corporateCidrs', message: expect.stringContaining('0.0.0.0/0') }]);
  });

  test('.projenrc.ts is written without what the preset gives', () => {
    const written = settingsToWrite(resolve([layer(), { source: 'the CLI', values: { vpcId: 'vpc-0aaa1111bbbb22223' } }]), ['the preset @acme/hybrid-preset']);
    // Nor the built-in defaults: a default the preset adds later applies, a value it locks later meets no default
    // written here, and the placeholder certificate keeps following the preset's region.
    expect(written).toEqual({ vpcId: 'vpc-0aaa1111bbbb22223' });
  });
});

describe('what a preset module may export', () => {
  test.each<[string, unknown, RegExp]>([
    ['not an object', 'eu-west-1', /must export an object \{ defaults, locked \}[\s\S]*it exports "eu-west-1"/],
    ['an unknown part', { default: { region: 'x' } }, /must export an object|"region" is not a part of a preset/],
    ['a misspelt part', { lockd: {} }, /"lockd" is not a part of a preset. Did you mean "locked"\?/],
    ['an unknown setting', { locked: { corporateCidr: [] } }, /locked.corporateCidr is not a setting. Did you mean "corporateCidrs"\?/],
    ['a setting both default and locked', { defaults: { region: 'eu-west-1' }, locked: { region: 'eu-west-1' } }, /region is both a default and locked/],
  ])('%s is refused', (_, exported, message) => {
    expect(() => fromModule('@acme/hybrid-preset', '/x/index.js', exported)).toThrow(message);
  });

  test('an ES module\'s default export is the preset', () => {
    expect(fromModule('p', '/x/index.mjs', { default: ACME }).locked).toEqual(ACME.locked);
  });
});

describe('the project type with `preset`', () => {
  test('reads the installed preset package: its values reach the managed files, and it is a devDependency', () => {
    const repo = repoWithPreset(presetPackage());
    const files = synth(newProject({ preset: '@acme/hybrid-preset', vpcId: 'vpc-0aaa1111bbbb22223' }, repo));
    const config: string = files['src/hybrid/config.ts'];
    expect(config).toContain('\'10.40.0.0/14\'');
    expect(config).toContain('region: \'eu-central-1\'');
    expect(config).toContain('permissionsBoundary: \'acme-boundary\'');
    expect(config).toContain('vpcId: \'vpc-0aaa1111bbbb22223\'');
    expect(files['package.json'].devDependencies).toHaveProperty(['@acme/hybrid-preset']);
  });

  test('a locked value changed in .projenrc.ts stops npx projen with the preset named', () => {
    const repo = repoWithPreset(presetPackage());
    expect(() => newProject({ preset: '@acme/hybrid-preset', nagPacks: [] }, repo))
      .toThrow(/nagPacks: \.projenrc\.ts sets \[\], but the preset @acme\/hybrid-preset locks it to \["NIST80053R5Checks"\]/);
  });

  test('a preset that is not installed, fails to load, or is written for other releases: a clear error', () => {
    expect(() => newProject({ preset: '@acme/hybrid-preset' }, freshDir()))
      .toThrow(/the preset @acme\/hybrid-preset is not installed in .*\. Run `npm install` \(package.json lists it\), or `npm install -D @acme\/hybrid-preset`/);
    const broken = repoWithPreset(presetPackage({ body: 'throw new Error(\'syntax of the preset\');' }));
    expect(() => newProject({ preset: '@acme/hybrid-preset' }, broken)).toThrow(/the preset @acme\/hybrid-preset could not be loaded \(.*index.js\): syntax of the preset/);
    const old = repoWithPreset(presetPackage({ range: '^99.0.0', version: '3.1.0' }));
    expect(() => newProject({ preset: '@acme/hybrid-preset' }, old))
      .toThrow(/the preset @acme\/hybrid-preset 3\.1\.0 is written for create-hybrid-serverless \^99\.0\.0, but this is 0\.0\.0/);
  });

  test('a preset file in the repo (a monorepo\'s), by its path: no devDependency', () => {
    const repo = freshDir();
    fs.writeFileSync(path.join(repo, 'preset.json'), JSON.stringify({ locked: { region: 'us-west-2' } }));
    const files = synth(newProject({ preset: './preset.json' }, repo));
    expect(files['src/hybrid/config.ts']).toContain('region: \'us-west-2\'');
    expect(Object.keys(files['package.json'].devDependencies ?? {})).not.toContain('./preset.json');
    expect(() => newProject({ preset: './missing.js' }, repo)).toThrow(/the preset \.\/missing\.js is not there: .*missing\.js does not exist/);
  });
});

describe('generating with a preset (what the CLI writes)', () => {
  test('.projenrc.ts names the preset and leaves its values to it; package.json depends on it', () => {
    const preset = fromModule('@acme/hybrid-preset', '/x/index.js', ACME);
    const outdir = freshDir();
    generate({ outdir, name: 'orders', settings: { vpcId: 'vpc-0aaa1111bbbb22223' }, packageSpec: '^0.0.0', preset: { preset, spec: '^1.0.0' } });
    const projenrc = fs.readFileSync(path.join(outdir, '.projenrc.ts'), 'utf-8');
    expect(projenrc).toMatch(/name: 'orders',\n\s+preset: '@acme\/hybrid-preset',/);
    expect(projenrc).toContain('vpcId: \'vpc-0aaa1111bbbb22223\'');
    for (const key of ['corporateCidrs', 'region:', 'certificateArn', 'topology', 'permissionsBoundary', 'nagPacks', 'tags']) expect(projenrc).not.toContain(key);
    const pkg = JSON.parse(fs.readFileSync(path.join(outdir, 'package.json'), 'utf-8'));
    expect(pkg.devDependencies['@acme/hybrid-preset']).toBe('^1.0.0');
    expect(fs.readFileSync(path.join(outdir, 'src/hybrid/config.ts'), 'utf-8')).toContain('permissionsBoundary: \'acme-boundary\'');
  });
});
