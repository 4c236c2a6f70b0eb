import { formatTargetDir, metavar, parseArgs, splitList, suggestFlag } from '../../src/cli/args';
import { SETTINGS } from '../../src/settings';

describe('parseArgs', () => {
  test('no arguments: nothing given, install and git on', () => {
    const { args, problems } = parseArgs([]);
    expect(problems).toEqual([]);
    expect(args).toEqual({
      directory: undefined,
      settings: {},
      yes: false,
      answers: undefined,
      force: false,
      dryRun: false,
      install: true,
      git: true,
      packageSpec: undefined,
      help: false,
      version: false,
    });
  });

  test('every flag of the contract, with spaces and with =', () => {
    const { args, problems } = parseArgs([
      'my-app',
      '-t', 'apigw-vpce',
      '--frontend',
      '--domain=app.internal.example.com',
      '--hosted-zone-id', 'Z0123456789ABCDEFGHIJ',
      '--certificate-arn', 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000001',
      '--vpc-id', 'vpc-0123456789abcdef0',
      '--subnet-ids', ' subnet-0123456789abcdef0, ,subnet-0fedcba9876543210,',
      '--corporate-cidrs=10.0.0.0/8,172.16.0.0/12',
      '--account', '123456789012',
      '--region', 'eu-west-1',
      '-y',
      '--answers', 'a.json',
      '--force',
      '--dry-run',
      '--no-install',
      '--no-git',
      '--package-spec', 'file:/tmp/x.tgz',
    ]);
    expect(problems).toEqual([]);
    expect(args).toEqual({
      directory: 'my-app',
      settings: {
        topology: 'apigw-vpce',
        frontend: true,
        domain: 'app.internal.example.com',
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000001',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
        corporateCidrs: ['10.0.0.0/8', '172.16.0.0/12'],
        account: '123456789012',
        region: 'eu-west-1',
      },
      yes: true,
      answers: 'a.json',
      force: true,
      dryRun: true,
      install: false,
      git: false,
      packageSpec: 'file:/tmp/x.tgz',
      help: false,
      version: false,
    });
  });

  test('--no-frontend, -h, -v, -t=value', () => {
    const { args, problems } = parseArgs(['--no-frontend', '-h', '-v', '-t=alb-lambda']);
    expect(problems).toEqual([]);
    expect(args.settings).toEqual({ frontend: false, topology: 'alb-lambda' });
    expect(args.help).toBe(true);
    expect(args.version).toBe(true);
  });

  test('an empty value is kept, to be refused by the validator', () => {
    expect(parseArgs(['--domain=']).args.settings).toEqual({ domain: '' });
    expect(parseArgs(['--subnet-ids', '']).args.settings).toEqual({ subnetIds: [] });
  });

  test('-- ends the options', () => {
    const { args, problems } = parseArgs(['--', '--weird-dir']);
    expect(problems).toEqual([]);
    expect(args.directory).toBe('--weird-dir');
  });

  test('a value may start with a dash when given with =', () => {
    expect(parseArgs(['--package-spec=-x']).args.packageSpec).toBe('-x');
  });

  test('a mistyped flag\'s value is not taken for a directory', () => {
    expect(parseArgs(['app', '--domian', 'x.example.com']).problems).toEqual([
      { label: '--domian', message: 'unknown option. Did you mean --domain?' },
    ]);
    expect(parseArgs(['--forse', 'app']).args.directory).toBe('app');
  });

  test('every problem is collected, each named by its flag', () => {
    const { problems } = parseArgs([
      'a', 'b', 'c', '--domian', 'x', '--frontend=false', '--region', '--yes', '--vpc-id',
    ]);
    expect(problems).toEqual([
      { label: '--domian', message: 'unknown option. Did you mean --domain?' },
      { label: '--frontend', message: 'takes no value, but got "false" (use --frontend or --no-frontend).' },
      { label: '--region', message: 'needs a value <aws region>.' },
      { label: '--vpc-id', message: 'needs a value <vpc-…>.' },
      expect.objectContaining({ label: 'arguments', message: expect.stringContaining('expected one directory, got 3') }),
    ]);
  });

  test('conflicting repeats are refused; identical repeats are harmless', () => {
    expect(parseArgs(['--frontend', '--no-frontend']).problems).toEqual([
      { label: '--frontend', message: 'given twice (--frontend true and --no-frontend false); give it once.' },
    ]);
    expect(parseArgs(['--region', 'eu-west-1', '--region', 'us-east-1']).problems[0].message).toContain('given twice');
    expect(parseArgs(['--answers', 'a', '--answers', 'b']).problems[0].label).toBe('--answers');
    expect(parseArgs(['--region', 'eu-west-1', '--region=eu-west-1', '-y', '-y']).problems).toEqual([]);
  });
});

describe('suggestFlag', () => {
  test.each([
    ['--domian', '--domain'],
    ['--subnetIds', '--subnet-ids'],
    ['--hostedZoneId', '--hosted-zone-id'],
    ['--dryrun', '--dry-run'],
    ['--no-instal', '--no-install'],
    ['-yes', '--yes'],
    ['--corporate', '--corporate-cidrs'],
    ['--topolgy', '--topology'],
  ])('%s → %s', (typed, expected) => {
    expect(suggestFlag(typed)).toBe(expected);
  });

  test('no suggestion for something unrelated', () => {
    expect(suggestFlag('--banana-split-sundae')).toBeUndefined();
  });
});

test('splitList trims and drops empty items', () => {
  expect(splitList(' a, b ,,c,')).toEqual(['a', 'b', 'c']);
  expect(splitList('')).toEqual([]);
});

test.each([
  ['my-app', 'my-app'],
  ['  my-app/  ', 'my-app'],
  ['a/b//', 'a/b'],
  ['/', '/'],
  ['.', '.'],
  ['   ', ''],
])('formatTargetDir(%j) = %j', (input, expected) => {
  expect(formatTargetDir(input)).toBe(expected);
});

test('every setting has a flag with a value placeholder', () => {
  for (const spec of SETTINGS) {
    expect(spec.flag).toMatch(/^--[a-z-]+$/);
    expect(metavar(spec)).toMatch(/^<.+>$/);
  }
  expect(metavar(SETTINGS.find((s) => s.key === 'topology')!)).toBe('<alb-lambda|apigw-vpce|apigw-private-domain>');
});
