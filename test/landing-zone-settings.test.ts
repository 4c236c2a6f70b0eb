import * as fs from 'fs';
import * as path from 'path';
import { freshDir, newProject, synth } from './util';
import { parseArgs } from '../src/cli/args';
import { helpText } from '../src/cli/help';
import { mergeSettings, readAnswers, settingsProblems } from '../src/cli/inputs';
import { NAG_PACKS } from '../src/constructs/environments';
import { renderProjenrc } from '../src/projenrc';
import { configOf, NAG_PACK_NAMES, REGISTRY, resolveEnvironments, resolveSettings, settingProblems, SETTINGS, withDefaults } from '../src/settings';
import { checkNpmRegistry } from '../src/validate';

// The landing zone's settings: a permissions boundary, required tags, extra cdk-nag packs and a company npm registry,
// from the registry to the CLI, .projenrc.ts, the generated config and .npmrc.

describe('validation', () => {
  test('nagPacks: a closed list, by class name, each once; the list is the constructs\'', () => {
    expect([...NAG_PACK_NAMES].sort()).toEqual(Object.keys(NAG_PACKS).sort());
    const checkNagPacks = (value: unknown) => REGISTRY.nagPacks.check(value, withDefaults({}));
    expect(checkNagPacks(['NIST80053R5Checks', 'HIPAASecurityChecks', 'PCIDSS321Checks', 'ServerlessChecks'])).toBeUndefined();
    expect(checkNagPacks(['NIST80053R4Checks'])).toMatch(/"NIST80053R4Checks" is not a cdk-nag pack this package knows. Did you mean "NIST80053R5Checks"\?/);
    expect(checkNagPacks(['AwsSolutionsChecks'])).toMatch(/AwsSolutions is always on/);
  });

  test.each([
    ['https://npm.example.com/', undefined],
    ['https://artifactory.example.com/api/npm/npm-remote/', undefined],
    ['http://127.0.0.1:4873/', undefined],
    ['http://npm.example.com/', /must use https/],
    ['https://me:secret@npm.example.com/', /holds credentials; put the token in your own ~\/.npmrc/],
    ['https://npm.example.com/?token=x', /must not have a query/],
    ['npm.example.com', /is not a URL/],
  ])('npmRegistry %p', (value, expected) => {
    const problem = checkNpmRegistry(value);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test('an environment\'s own boundary and tags are checked as its own, named by the environment', () => {
    expect(settingProblems({
      permissionsBoundary: 'company-boundary',
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', permissionsBoundary: 'arn:aws:iam::111122223333:policy/b', tags: { 'aws:x': '1' } }],
    })).toEqual([
      { key: 'environments[1].permissionsBoundary', message: expect.stringMatching(/is in account 111122223333, but the environment deploys to 222233334444/) },
      { key: 'environments[1].tags', message: expect.stringMatching(/starts with "aws:"/) },
    ]);
  });

  test('.projenrc.ts with a bad value stops npx projen naming the option', () => {
    expect(() => newProject({ nagPacks: ['NIST'], npmRegistry: 'http://npm.example.com/' }))
      .toThrow(/nagPacks: "NIST" is not a cdk-nag pack[\s\S]*npmRegistry: "http:\/\/npm.example.com\/" must use https/);
  });
});

describe('the generated repo', () => {
  const given = {
    permissionsBoundary: 'company-boundary',
    tags: { CostCenter: '1234', Owner: 'team-a' },
    nagPacks: ['NIST80053R5Checks'],
    npmRegistry: 'https://npm.example.com/',
    environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', tags: { CostCenter: '5678' }, permissionsBoundary: 'prod-boundary' }],
  };

  test('the typed config holds boundary, tags and packs per environment (the constructs apply them); not the registry', () => {
    const { settings, environments } = resolveSettings(given, 'test');
    const [dev, prod] = environments.map((environment) => configOf(settings, environment));
    expect(dev).toMatchObject({ permissionsBoundary: 'company-boundary', tags: { CostCenter: '1234', Owner: 'team-a' }, nagPacks: ['NIST80053R5Checks'] });
    expect(prod).toMatchObject({ permissionsBoundary: 'prod-boundary', tags: { CostCenter: '5678' }, nagPacks: ['NIST80053R5Checks'] });
    expect(dev).not.toHaveProperty('npmRegistry');
    expect(configOf(withDefaults({}), resolveEnvironments({})[0])).not.toHaveProperty('tags');
  });

  test('src/hybrid/config.ts and .npmrc', () => {
    const files = synth(newProject(given));
    expect(files['src/hybrid/config.ts']).toContain('permissionsBoundary: \'prod-boundary\'');
    expect(files['src/hybrid/config.ts']).toMatch(/tags: \{\s+CostCenter: '1234',\s+Owner: 'team-a',\s+\}/);
    expect(files['src/hybrid/config.ts']).toMatch(/nagPacks: \[\s*'NIST80053R5Checks',?\s*\]/);
    expect(files['.npmrc']).toMatch(/^registry=https:\/\/npm.example.com\/$/m);
    expect(synth(newProject({}))['.npmrc'] ?? '').not.toMatch(/^registry=/m);
  });

  test('.projenrc.ts writes them as given', () => {
    const text = renderProjenrc({ name: 'my-app', ...given });
    expect(text).toContain('tags: { CostCenter: \'1234\', Owner: \'team-a\' }');
    expect(text).toContain('nagPacks: [\'NIST80053R5Checks\']');
    expect(text).toContain('npmRegistry: \'https://npm.example.com/\'');
  });
});

describe('the CLI', () => {
  test('flags, one per setting, not asked in a terminal; --tags takes key=value pairs', () => {
    const { args, problems } = parseArgs(['app', '--permissions-boundary', 'company-boundary', '--tags', 'CostCenter=1234, Owner=team a',
      '--nag-packs', 'NIST80053R5Checks,ServerlessChecks', '--npm-registry', 'https://npm.example.com/']);
    expect(problems).toEqual([]);
    const given = mergeSettings(args.settings, {});
    expect(given.tags?.value).toEqual({ CostCenter: '1234', Owner: 'team a' });
    expect(given.nagPacks?.value).toEqual(['NIST80053R5Checks', 'ServerlessChecks']);
    expect(settingsProblems(given, true)).toEqual([]);
    for (const key of ['permissionsBoundary', 'tags', 'nagPacks', 'npmRegistry']) {
      expect(SETTINGS.find((spec) => spec.key === key)).toMatchObject({ ask: false, optional: key !== 'nagPacks' });
    }
    expect(helpText('1.0.0')).toMatch(/--tags <key=value,…>/);
    expect(helpText('1.0.0')).toMatch(/--nag-packs <pack,…>\n\s+cdk-nag packs checked beside AwsSolutions/);
  });

  test('bad values named by their flag; a tag without a value said so', () => {
    const { args } = parseArgs(['app', '--tags', 'CostCenter', '--nag-packs', 'HIPAA']);
    expect(settingsProblems(mergeSettings(args.settings, {}), true)).toEqual([
      { key: 'tags', label: '--tags', message: '"CostCenter" has no value: write it as key=value, e.g. CostCenter=….' },
      { key: 'nagPacks', label: '--nag-packs', message: expect.stringMatching(/"HIPAA" is not a cdk-nag pack/) },
    ]);
  });

  test('the answers file takes them by option name, tags as an object', () => {
    const dir = freshDir();
    const file = path.join(dir, 'answers.json');
    fs.writeFileSync(file, JSON.stringify({ tags: { Owner: 'team-a' }, permissionsBoundary: 'b', environments: [{ name: 'dev', tags: { 'aws:x': '1' } }] }));
    const { answers, problems } = readAnswers(file, dir);
    expect(problems).toEqual([]);
    expect(settingsProblems(mergeSettings({}, answers.settings, 'answers.json'), true)).toEqual([
      { key: 'environments', label: 'answers.json: environments[0].tags', message: expect.stringMatching(/starts with "aws:"/) },
    ]);
  });
});
