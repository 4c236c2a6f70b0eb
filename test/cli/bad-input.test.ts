import * as fs from 'fs';
import * as path from 'path';
import { loadProbe, requireBuiltCli, runCli, runInProcess, tempDir } from './util';
import { SettingKey, SETTINGS } from '../../src/settings';

/**
 * Bad input, through flags and through the answers file: each run must exit 2 at once, name
 * the flag or key and what is wrong (on one line, whatever the value holds), and write nothing:
 * no project directory, no temporary directory beside it.
 */
interface BadCase {
  /** Arguments after the directory `app`. `--yes` is added unless an answers file is given. */
  readonly args?: readonly string[];
  /** The answers file, written as JSON. */
  readonly answers?: unknown;
  /** The answers file as raw text. */
  readonly answersText?: string;
  /** The directory argument. @default 'app' */
  readonly directory?: string;
  /** Each: a line of stderr holding both parts, e.g. ['--vpc-id:', 'is not a vpc id']. */
  readonly expect: ReadonlyArray<readonly [string, string]>;
  /** Prepares the parent directory; the entries it creates are expected to stay. */
  readonly setup?: (parent: string) => void;
}

const VALID: Partial<Record<SettingKey, string>> = {
  topology: 'alb-lambda',
  frontend: 'true',
  domain: 'app.internal.example.com',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  account: '123456789012',
  region: 'eu-west-1',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000001',
  vpcId: 'vpc-0123456789abcdef0',
  vpcEndpointId: 'vpce-0123456789abcdef0',
  subnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
  corporateCidrs: '10.0.0.0/8,172.16.0.0/12',
  handlerEgress: '10.20.0.0/16:5432,10.30.0.0/24:8080-8089',
  reservedConcurrency: '20',
  permissionsBoundary: 'company-boundary',
  tags: 'CostCenter=1234,Owner=team-a',
  nagPacks: 'NIST80053R5Checks,ServerlessChecks',
  npmRegistry: 'https://npm.example.com/',
};

/** What each validator says about a malformed value. */
const REFUSAL: Partial<Record<SettingKey, string>> = {
  topology: 'is not one of "alb-lambda", "apigw-vpce", "apigw-private-domain"',
  domain: 'is not a valid host name',
  hostedZoneId: 'is not a Route 53 hosted zone id',
  account: 'is not an AWS account id',
  region: 'is not an AWS region',
  certificateArn: 'is not an ACM certificate ARN',
  vpcId: 'is not a vpc id',
  vpcEndpointId: 'is not a vpce id',
  subnetIds: 'is not a subnet id',
  corporateCidrs: 'is not a CIDR',
  handlerEgress: 'is not a destination',
  reservedConcurrency: 'is not a number of concurrent executions',
  permissionsBoundary: 'is not a managed policy name',
  tags: 'is not valid: 1 to 128 letters',
  nagPacks: 'is not a cdk-nag pack',
  npmRegistry: 'is not a URL',
};

/** Attempts to break out of a string literal, a template, a line or the ASCII range. */
const PAYLOADS: ReadonlyArray<readonly [string, string]> = [
  ['a double quote', '"'],
  ['a single quote', '\''],
  ['a backtick', '`'],
  ['a template expression', '${process.exit(1)}'],
  ['a newline', '\nprocess.exit(1);\n'],
  ['non-ASCII', 'é'],
];

const inject = (value: string, payload: string) => `${value.slice(0, 4)}${payload}${value.slice(4)}`;
const STRING_SPECS = SETTINGS.filter((spec) => spec.kind !== 'boolean');
const flagOf = (key: SettingKey) => SETTINGS.find((spec) => spec.key === key)!.flag;
const inAnswers = (key: string) => `${key} (in answers.json):`;

const CASES: Record<string, BadCase> = {};

// Injection attempts in every string option, as a flag and in the answers file.
for (const spec of STRING_SPECS) {
  // An existing VPC endpoint only goes with the API Gateway topology.
  const context = spec.key === 'vpcEndpointId' ? { topology: 'apigw-vpce' } : {};
  for (const [what, payload] of PAYLOADS) {
    // AWS allows the letters of every language in tags.
    if (spec.key === 'tags' && what === 'non-ASCII') continue;
    const bad = inject(VALID[spec.key]!, payload);
    const refusal = REFUSAL[spec.key]!;
    const contextFlags = Object.entries(context).flatMap(([key, value]) => [flagOf(key as SettingKey), value]);
    CASES[`${spec.flag} with ${what}`] = { args: [...contextFlags, spec.flag, bad], expect: [[`${spec.flag}:`, refusal]] };
    const answer = spec.kind === 'list' ? bad.split(',') : bad;
    CASES[`answers "${spec.key}" with ${what}`] = { answers: { ...context, [spec.key]: answer }, expect: [[inAnswers(spec.key), refusal]] };
  }
}
for (const [what, payload] of PAYLOADS) {
  CASES[`answers "name" with ${what}`] = { answers: { name: inject('my-app', payload) }, expect: [[inAnswers('name'), 'is not a valid npm package name']] };
  if (what !== 'non-ASCII') {
    CASES[`--package-spec with ${what}`] = { args: ['--package-spec', inject('^1.0.0', payload)], expect: [['--package-spec:', 'is not an npm spec']] };
  }
}

const certIn = (region: string, account: string, partition = 'aws') =>
  `arn:${partition}:acm:${region}:${account}:certificate/00000000-0000-0000-0000-000000000001`;

const MORE_CASES: Record<string, BadCase> = {
  // Usage.
  'an unknown flag': { args: ['--domian', 'x.example.com'], expect: [['--domian:', 'unknown option. Did you mean --domain?']] },
  'a camelCase flag': { args: ['--subnetIds', VALID.subnetIds!], expect: [['--subnetIds:', 'Did you mean --subnet-ids?']] },
  'an unknown short flag': { args: ['-x'], expect: [['-x:', 'unknown option.']] },
  'a single-dash long flag': { args: ['-force'], expect: [['-force:', 'Did you mean --force?']] },
  'an unrelated flag': { args: ['--banana-split-sundae'], expect: [['--banana-split-sundae:', 'unknown option.']] },
  'a value for a switch': { args: ['--frontend=false'], expect: [['--frontend:', 'takes no value']] },
  'a value for --no-git': { args: ['--no-git=1'], expect: [['--no-git:', 'takes no value']] },
  'a value for --yes': { args: ['--yes=please'], expect: [['--yes:', 'takes no value']] },
  'a missing value at the end': { args: ['--domain'], expect: [['--domain:', 'needs a value <fqdn>']] },
  'a missing value before a flag': { args: ['--region', '--force'], expect: [['--region:', 'needs a value <aws region>']] },
  'a missing value for -t': { args: ['-t'], expect: [['-t:', 'needs a value <alb-lambda|apigw-vpce|apigw-private-domain>']] },
  'a missing answers file name': { args: ['--answers'], expect: [['--answers:', 'needs a value <file.json>']] },
  'a missing package spec': { args: ['--package-spec'], expect: [['--package-spec:', 'needs a value']] },
  'two directories': { args: ['other'], expect: [['arguments:', 'expected one directory, got 2']] },
  'a list as separate words': { args: ['--subnet-ids', 'subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], expect: [['arguments:', 'a list is one comma-separated value']] },
  'conflicting booleans': { args: ['--frontend', '--no-frontend'], expect: [['--frontend:', 'given twice']] },
  'a setting given twice': { args: ['--region', 'eu-west-1', '--region', 'us-east-1'], expect: [['--region:', 'given twice']] },
  'answers given twice': { args: ['--answers', 'a.json', '--answers', 'b.json'], expect: [['--answers:', 'given twice']] },

  // Values.
  'a topology typo': { args: ['-t', 'alb-lamda'], expect: [['--topology:', 'Did you mean "alb-lambda"?']] },
  'an abbreviated topology': { args: ['--topology', 'apigw'], expect: [['--topology:', 'is not one of']] },
  'an empty domain': { args: ['--domain='], expect: [['--domain:', 'must be a host name']] },
  'a one-label domain': { args: ['--domain', 'localhost'], expect: [['--domain:', 'needs at least two labels']] },
  'a domain with a trailing dot': { args: ['--domain', 'app.example.com.'], expect: [['--domain:', 'must not end with a dot']] },
  'a wildcard domain': { args: ['--domain', '*.example.com'], expect: [['--domain:', 'is not a valid host name']] },
  'a domain with an underscore': { args: ['--domain', 'my_app.example.com'], expect: [['--domain:', 'is not a valid host name']] },
  'a domain with a space': { args: ['--domain', 'my app.example.com'], expect: [['--domain:', 'is not a valid host name']] },
  'an IP address for a domain': { args: ['--domain', '10.0.0.1'], expect: [['--domain:', 'looks like an IP address']] },
  'a URL for a domain': { args: ['--domain', 'https://app.example.com'], expect: [['--domain:', 'is not a valid host name']] },
  'a too long domain': { args: ['--domain', `${'a'.repeat(60)}.`.repeat(5) + 'com'], expect: [['--domain:', 'a host name has at most 253']] },
  'a hosted zone id with its prefix': { args: ['--hosted-zone-id', '/hostedzone/Z0123456789ABCDEFGHIJ'], expect: [['--hosted-zone-id:', 'without the "/hostedzone/" prefix']] },
  'a lowercase hosted zone id': { args: ['--hosted-zone-id', 'z0123456789abcdefghij'], expect: [['--hosted-zone-id:', 'is not a Route 53 hosted zone id']] },
  'a short account': { args: ['--account', '12345'], expect: [['--account:', 'exactly 12 digits']] },
  'an account with dashes': { args: ['--account', '1234-5678-9012'], expect: [['--account:', 'exactly 12 digits']] },
  'a region typo': { args: ['--region', 'eu-wset-1'], expect: [['--region:', 'Did you mean "eu-west-1"?']] },
  'an availability zone for a region': { args: ['--region', 'eu-west-1a'], expect: [['--region:', 'is not an AWS region']] },
  'an uppercase region': { args: ['--region', 'EU-WEST-1'], expect: [['--region:', 'is not an AWS region']] },
  'a certificate in another region': { args: ['--certificate-arn', certIn('us-east-1', '123456789012')], expect: [['--certificate-arn:', 'is in us-east-1, but the app deploys to eu-west-1']] },
  'a certificate in another account': { args: ['--certificate-arn', certIn('eu-west-1', '999999999999')], expect: [['--certificate-arn:', 'belongs to account 999999999999']] },
  'a certificate in the wrong partition': {
    args: ['--region', 'cn-north-1', '--certificate-arn', certIn('cn-north-1', '123456789012')],
    expect: [['--certificate-arn:', 'should use the partition "aws-cn"']],
  },
  'a certificate that does not match the region from the answers file': {
    answers: { region: 'eu-central-1' },
    args: ['--certificate-arn', certIn('eu-west-1', '123456789012')],
    expect: [['--certificate-arn:', 'is in eu-west-1, but the app deploys to eu-central-1']],
  },
  'an ACM ARN of another resource': { args: ['--certificate-arn', 'arn:aws:iam::123456789012:server-certificate/x'], expect: [['--certificate-arn:', 'is not an ACM certificate ARN']] },
  'a short vpc id': { args: ['--vpc-id', 'vpc-123'], expect: [['--vpc-id:', 'is not a vpc id']] },
  'a frontend with the private custom domain topology': {
    args: ['--topology', 'apigw-private-domain', '--frontend'],
    expect: [['--frontend:', 'serves the API only, with no load balancer to serve the app from; choose "alb-lambda" or "apigw-vpce"']],
  },
  'a VPC endpoint with the ALB topology': { args: ['--vpc-endpoint-id', VALID.vpcEndpointId!], expect: [['--vpc-endpoint-id:', 'applies only to the topologies "apigw-vpce" and "apigw-private-domain"']] },
  'a VPC endpoint in answers, the ALB topology as a flag': {
    answers: { topology: 'apigw-vpce', vpcEndpointId: VALID.vpcEndpointId },
    args: ['-t', 'alb-lambda'],
    expect: [[inAnswers('vpcEndpointId'), 'applies only to the topologies "apigw-vpce" and "apigw-private-domain"']],
  },
  'an empty VPC endpoint': { args: ['-t', 'apigw-vpce', '--vpc-endpoint-id='], expect: [['--vpc-endpoint-id:', 'is not a vpce id']] },
  'a subnet id for a vpc id': { args: ['--vpc-id', 'subnet-0123456789abcdef0'], expect: [['--vpc-id:', 'is not a vpc id']] },
  'one subnet': { args: ['--subnet-ids', 'subnet-0123456789abcdef0'], expect: [['--subnet-ids:', 'needs at least two subnets']] },
  'no subnets': { args: ['--subnet-ids', ','], expect: [['--subnet-ids:', 'needs at least two subnets in different availability zones (got 0)']] },
  'a subnet twice': { args: ['--subnet-ids', 'subnet-0123456789abcdef0,subnet-0123456789abcdef0'], expect: [['--subnet-ids:', 'twice']] },
  'subnets separated by spaces': { args: ['--subnet-ids', 'subnet-0123456789abcdef0 subnet-0fedcba9876543210'], expect: [['--subnet-ids:', 'is not a subnet id']] },
  'the whole internet': { args: ['--corporate-cidrs', '0.0.0.0/0'], expect: [['--corporate-cidrs:', 'whole internet']] },
  'the whole IPv6 internet': { args: ['--corporate-cidrs', '10.0.0.0/8,::/0'], expect: [['--corporate-cidrs:', 'whole internet']] },
  'a CIDR with host bits': { args: ['--corporate-cidrs', '10.1.2.3/8'], expect: [['--corporate-cidrs:', 'the network is "10.0.0.0/8"']] },
  'an address without a prefix': { args: ['--corporate-cidrs', '10.0.0.0'], expect: [['--corporate-cidrs:', 'is not a CIDR']] },
  'a prefix too long': { args: ['--corporate-cidrs', '10.0.0.0/33'], expect: [['--corporate-cidrs:', 'is not a CIDR']] },
  'no CIDR': { args: ['--corporate-cidrs', ''], expect: [['--corporate-cidrs:', 'needs at least one']] },
  'an empty package spec': { args: ['--package-spec', ''], expect: [['--package-spec:', 'is not an npm spec']] },
  'a package spec running a command': { args: ['--package-spec', '$(touch pwned)'], expect: [['--package-spec:', 'is not an npm spec']] },

  // Directory and project name.
  'a directory with a newline': { directory: 'my\napp', expect: [['directory:', 'contains control characters']] },
  'a directory with an escape sequence': { directory: 'app\u001b[2J', expect: [['directory:', 'contains control characters']] },
  'a directory without a usable name': { directory: '日本', expect: [['directory:', 'cannot make an npm package name out of "日本"']] },
  'a directory that is a file': {
    setup: (parent) => fs.writeFileSync(path.join(parent, 'app'), 'mine'),
    expect: [['directory:', 'exists and is not a directory']],
  },
  'a directory below a file': {
    directory: 'file/app',
    setup: (parent) => fs.writeFileSync(path.join(parent, 'file'), 'mine'),
    expect: [['directory:', 'is not a directory']],
  },
  'a non-empty directory': {
    setup: (parent) => { fs.mkdirSync(path.join(parent, 'app')); fs.writeFileSync(path.join(parent, 'app', 'notes.txt'), 'mine'); },
    expect: [['directory:', 'is not empty (notes.txt)']],
  },
  'a project name with capitals': { answers: { name: 'MyApp' }, expect: [[inAnswers('name'), 'is not a valid npm package name']] },
  'a project name with a space': { answers: { name: 'my app' }, expect: [[inAnswers('name'), 'suggestion: "my-app"']] },
  'an empty project name': { answers: { name: '' }, expect: [[inAnswers('name'), 'must be a non-empty npm package name']] },
  'a numeric project name': { answers: { name: 42 }, expect: [[inAnswers('name'), 'must be a non-empty npm package name']] },
  'a project name with a path': { answers: { name: '../escape' }, expect: [[inAnswers('name'), 'is not a valid npm package name']] },

  // The answers file itself.
  'a missing answers file': { args: ['--answers', 'missing.json'], expect: [['--answers:', 'cannot read "missing.json"']] },
  'a directory as answers file': { args: ['--answers', '.'], expect: [['--answers:', 'cannot read "."']] },
  'invalid JSON': { answersText: '{ "domain": ', expect: [['--answers:', 'is not valid JSON']] },
  'JSON with comments': { answersText: '{ // the domain\n "domain": "a.example.com" }', expect: [['--answers:', 'is not valid JSON']] },
  'an empty answers file': { answersText: '', expect: [['--answers:', 'is not valid JSON']] },
  'a JSON array': { answers: [], expect: [['--answers:', 'must hold a JSON object']] },
  'JSON null': { answers: null, expect: [['--answers:', 'must hold a JSON object']] },
  'a JSON string': { answers: 'alb-lambda', expect: [['--answers:', 'must hold a JSON object']] },
  'a bare word': { answersText: 'alb-lambda', expect: [['--answers:', 'is not valid JSON']] },
  'an unknown key': { answers: { domian: 'a.example.com' }, expect: [['"domian" (in answers.json):', 'Did you mean "domain"?']] },
  'a kebab-case key': { answers: { 'subnet-ids': ['a'] }, expect: [['"subnet-ids" (in answers.json):', 'Did you mean "subnetIds"?']] },
  'a flag as a key': { answers: { '--yes': true }, expect: [['"--yes" (in answers.json):', 'unknown key']] },
  'a directory key': { answers: { directory: 'x' }, expect: [['"directory" (in answers.json):', 'unknown key']] },
  'a number for the account': { answers: { account: 123456789012 }, expect: [[inAnswers('account'), 'must be a string (in quotes), got 123456789012']] },
  'a string for frontend': { answers: { frontend: 'yes' }, expect: [[inAnswers('frontend'), '"yes" must be true or false']] },
  'null for frontend': { answers: { frontend: null }, expect: [[inAnswers('frontend'), 'null must be true or false']] },
  'null for the domain': { answers: { domain: null }, expect: [[inAnswers('domain'), 'must be a string (in quotes), got null']] },
  'an object for the region': { answers: { region: { name: 'eu-west-1' } }, expect: [[inAnswers('region'), 'must be a string']] },
  'a number for subnets': { answers: { subnetIds: 5 }, expect: [[inAnswers('subnetIds'), 'must be a list of strings']] },
  'numbers in the subnets': { answers: { subnetIds: [1, 2] }, expect: [[inAnswers('subnetIds'), '1 is not a subnet id']] },
  'a topology in capitals': { answers: { topology: 'ALB_LAMBDA' }, expect: [[inAnswers('topology'), 'is not one of']] },
  'an empty CIDR list': { answers: { corporateCidrs: [] }, expect: [[inAnswers('corporateCidrs'), 'needs at least one']] },

  // Several problems at once: all of them, in one report.
  'everything wrong at once': {
    answers: { domian: 'x', account: 'nope' },
    args: ['--vpc-id', 'vpc-1', '--region', 'mars-1', '--bogus'],
    expect: [
      ['--bogus:', 'unknown option'],
      ['"domian" (in answers.json):', 'unknown key'],
      [inAnswers('account'), 'is not an AWS account id'],
      ['--region:', 'is not an AWS region'],
      ['--vpc-id:', 'is not a vpc id'],
    ],
  },
};
Object.assign(CASES, MORE_CASES);

/** Runs the CLI in `parent` with `args`: its exit code and what it wrote to stdout and stderr. */
type BadRun = (parent: string, args: string[]) => Promise<{ status: number | null; stdout: string; stderr: string }>;

/** Runs each case in a fresh parent directory and checks what every bad run must do. */
async function refuses(name: string, runIt: BadRun, extra?: () => void): Promise<void> {
  const badCase = CASES[name];
  const parent = tempDir('chs-bad-');
  try {
    badCase.setup?.(parent);
    const before = fs.readdirSync(parent).sort();
    const args = [badCase.directory ?? 'app', ...(badCase.args ?? [])];
    if ('answers' in badCase || badCase.answersText !== undefined) {
      fs.writeFileSync(path.join(parent, 'answers.json'), badCase.answersText ?? JSON.stringify(badCase.answers));
      before.push('answers.json');
      if (!args.includes('--answers')) args.push('--answers', 'answers.json');
    } else {
      args.push('--yes');
    }

    const result = await runIt(parent, args);

    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/^Found (a problem|\d+ problems) with the input; nothing was written:$/);
    for (const [label, message] of badCase.expect) {
      expect(lines.filter((line) => line.includes(label) && line.includes(message))).toHaveLength(1);
    }
    // Every problem is on one line: values are shown escaped, never raw.
    expect(lines.slice(1, -2).every((line) => line.startsWith('  '))).toBe(true);
    expect(fs.readdirSync(parent).sort()).toEqual(before.sort());
    extra?.();
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

const names = Object.keys(CASES);

// Every case through the CLI's own run() (what bin/create-hybrid-serverless calls with the process's argv, streams and
// directory): its exit code, what it writes to each stream, one line each, and nothing on disk.
describe('bad input: exit 2, the flag or key named, nothing written', () => {
  test('the table has at least 100 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(100);
  });

  test.each(names)('%s', (name) => refuses(name, async (parent, args) => {
    const result = await runInProcess(args, { cwd: parent });
    // As the bin writes them: a line each.
    const lines = (text: string) => (text ? `${text}\n` : '');
    return { status: result.code, stdout: lines(result.out), stderr: lines(result.err) };
  }));
});

// …and a case of each kind through the built bin, as a person or a script runs it: the process exits 2, and refuses
// before projen (or the templates) is loaded.
describe('bad input through the bin', () => {
  beforeAll(requireBuiltCli);
  const SPAWNED = ['an unknown flag', 'a topology typo', '--domain with a newline', 'answers "vpcId" with a template expression',
    'invalid JSON', 'an unknown key', 'a directory with a newline', 'everything wrong at once'];

  test('the cases are in the table', () => {
    expect(SPAWNED.filter((name) => !CASES[name])).toEqual([]);
  });

  test.each(SPAWNED)('%s', (name) => {
    const probe = loadProbe();
    return refuses(name, async (parent, args) => runCli(args, { cwd: parent, env: probe.env }),
      () => expect(probe.loaded()).toEqual([]));
  });
});
