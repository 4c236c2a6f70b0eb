import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './util';
import { answerProblem, mergeSettings, normalize, normalizePackageSpec, readAnswers, settingsProblems } from '../../src/cli/inputs';
import { SETTINGS } from '../../src/settings';

const spec = (key: string) => SETTINGS.find((s) => s.key === key)!;

describe('readAnswers', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => fs.writeFileSync(path.join(dir, 'answers.json'), text);

  test('settings and the project name', () => {
    write(JSON.stringify({ name: 'portal', topology: 'apigw-vpce', subnetIds: ['subnet-0123456789abcdef0'] }));
    expect(readAnswers('answers.json', dir)).toEqual({
      answers: { name: 'portal', settings: { topology: 'apigw-vpce', subnetIds: ['subnet-0123456789abcdef0'] } },
      problems: [],
    });
  });

  test('unknown keys, with a hint', () => {
    write(JSON.stringify({ domian: 'x', vpcID: 'y', zzz: 1 }));
    const { problems } = readAnswers('answers.json', dir);
    expect(problems.map((p) => [p.label, p.message.split(' Known keys')[0]])).toEqual([
      ['"domian" (in answers.json)', 'unknown key. Did you mean "domain"?'],
      ['"vpcID" (in answers.json)', 'unknown key. Did you mean "vpcId"?'],
      ['"zzz" (in answers.json)', 'unknown key.'],
    ]);
  });

  test.each([
    ['{', 'is not valid JSON'],
    ['', 'is not valid JSON'],
    ['[]', 'must hold a JSON object'],
    ['null', 'must hold a JSON object'],
    ['"x"', 'must hold a JSON object'],
  ])('%j is refused: %s', (text, message) => {
    write(text);
    const { problems } = readAnswers('answers.json', dir);
    expect(problems).toEqual([{ label: '--answers', message: expect.stringContaining(message) }]);
  });

  test('an unreadable file', () => {
    const { problems } = readAnswers('nope.json', dir);
    expect(problems).toEqual([{ label: '--answers', message: expect.stringMatching(/^cannot read "nope.json": ENOENT/) }]);
  });
});

describe('normalize', () => {
  test('strings are trimmed; the domain is lowercased', () => {
    expect(normalize(spec('domain'), '  MyApp.Internal.Example.COM ')).toBe('myapp.internal.example.com');
    expect(normalize(spec('vpcId'), ' vpc-0123456789abcdef0\n')).toBe('vpc-0123456789abcdef0');
    expect(normalize(spec('hostedZoneId'), 'zabc')).toBe('zabc');
  });

  test('lists are split or trimmed', () => {
    expect(normalize(spec('subnetIds'), 'a, b,,')).toEqual(['a', 'b']);
    expect(normalize(spec('subnetIds'), [' a ', 5])).toEqual(['a', 5]);
  });

  test('other types pass through to be refused', () => {
    expect(normalize(spec('account'), 123456789012)).toBe(123456789012);
    expect(normalize(spec('frontend'), 'yes')).toBe('yes');
  });
});

describe('mergeSettings and settingsProblems', () => {
  test('flags override the answers file, and problems name their source', () => {
    const given = mergeSettings({ region: 'eu-wst-1' }, { region: 'us-east-1', account: 123 }, 'a.json');
    expect(given).toEqual({
      region: { value: 'eu-wst-1', label: '--region' },
      account: { value: 123, label: 'account (in a.json)' },
    });
    expect(settingsProblems(given, true)).toEqual([
      { key: 'account', label: 'account (in a.json)', message: 'must be a string (in quotes), got 123.' },
      { key: 'region', label: '--region', message: expect.stringContaining('Did you mean "eu-west-1"?') },
    ]);
  });

  test('the certificate is checked against the region once the region is known', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001';
    const given = mergeSettings({ certificateArn: arn }, {});
    // Complete: the region defaults to eu-west-1, which does not match.
    expect(settingsProblems(given, true)).toEqual([
      expect.objectContaining({ label: '--certificate-arn', message: expect.stringContaining('is in us-east-1, but the app deploys to eu-west-1') }),
    ]);
    // Prompts to come: the region will be asked first.
    expect(settingsProblems(given, false)).toEqual([]);
  });

  test('a wrong region is reported once, not again through the certificate', () => {
    const given = mergeSettings({ region: 'mars-1' }, {});
    expect(settingsProblems(given, true).map((p) => p.key)).toEqual(['region']);
  });
});

describe('answerProblem (inline validation of prompts)', () => {
  test('the answer\'s own check', () => {
    expect(answerProblem('vpcId', 'vpc-1', {})).toContain('is not a vpc id');
    expect(answerProblem('vpcId', ' vpc-0123456789abcdef0 ', {})).toBeUndefined();
    expect(answerProblem('domain', 'APP.Example.com', {})).toBeUndefined();
    expect(answerProblem('subnetIds', 'subnet-0123456789abcdef0', {})).toContain('at least two');
  });

  test('a region that conflicts with the certificate given as a flag names that flag', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001';
    const known = mergeSettings({ certificateArn: arn, account: '123456789012' }, {});
    expect(answerProblem('region', 'eu-west-1', known)).toMatch(/^--certificate-arn: .*is in us-east-1/);
    expect(answerProblem('region', 'us-east-1', known)).toBeUndefined();
  });
});

describe('normalizePackageSpec', () => {
  test.each(['^1.2.3', 'latest', '>=1.0.0 <2', 'file:/tmp/x.tgz', 'npm:other@1', 'git+https://example.com/x.git'])('%s is kept', (value) => {
    expect(normalizePackageSpec(value, '/work')).toEqual({ spec: value });
  });

  test('a relative file: path is made absolute', () => {
    expect(normalizePackageSpec('file:./x.tgz', '/work/dir')).toEqual({ spec: 'file:/work/dir/x.tgz' });
  });

  test.each(['', '  ', '1"', 'x\'y', '`id`', '$(id)', '${x}', 'a\\b', 'a\nb'])('%j is refused', (value) => {
    expect(normalizePackageSpec(value, '/work').problem).toContain('is not an npm spec');
  });
});
