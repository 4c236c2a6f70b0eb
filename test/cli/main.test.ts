import * as fs from 'fs';
import * as path from 'path';
import type { PromptObject } from 'prompts';
import { everySettingFlag, settingsAsked, tempDir } from './util';
import { Context, run } from '../../src/cli/main';
import { Ask, shortQuestion } from '../../src/cli/questions';
import { CancelledError } from '../../src/cli/ui';
import type { GenerateOptions } from '../../src/generate';
import { Topology } from '../../src/options';

/** Runs the CLI in-process with a stand-in generator that records what it was given. */
async function runInProcess(argv: string[], options: { cwd: string; interactive?: boolean; ask?: Ask }) {
  const out: string[] = [];
  const err: string[] = [];
  const generated: GenerateOptions[] = [];
  const context: Context = {
    cwd: options.cwd,
    interactive: options.interactive ?? false,
    env: {},
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    ask: options.ask,
    generator: (generateOptions) => {
      generated.push(generateOptions);
      fs.writeFileSync(path.join(generateOptions.outdir, 'package.json'), '{}');
      return { files: ['package.json'] };
    },
  };
  const code = await run(argv, context);
  return { code, out: out.join('\n'), err: err.join('\n'), generated };
}

/** Answers every question with its default, recording the questions. */
function defaultsAsker(questions: Array<PromptObject<'value'>>, overrides: Record<string, string> = {}): Ask {
  return async (question) => {
    questions.push(question);
    const message = String(question.message);
    const override = Object.entries(overrides).find(([start]) => message.startsWith(start));
    if (override) {
      const validate = question.validate as (value: string) => true | string;
      if (validate(override[1]) !== true) throw new Error(`invalid override for ${message}: ${validate(override[1])}`);
      return override[1];
    }
    if (question.type === 'select') return (question.choices as Array<{ value: string }>)[question.initial as number].value;
    return question.initial;
  };
}

describe('interactive flow', () => {
  let cwd: string;
  beforeEach(() => { cwd = tempDir(); });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  test('asks for the directory and every setting, in registry order, with defaults', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['--no-install', '--no-git'], {
      cwd,
      interactive: true,
      ask: defaultsAsker(questions, { 'AWS region': 'us-east-1', 'AWS account id': '111122223333' }),
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    // Settings that do not apply to the default topology (an existing VPC endpoint) are not asked.
    // Short questions (what was in brackets is shown above them), then one confirmation.
    expect(questions.map((q) => String(q.message).replace(/ \((y\/N|Y\/n)\)$/, ''))).toEqual([
      'Project directory',
      ...settingsAsked().map((spec) => shortQuestion(spec).question),
      'Name of the first environment',
      'Write the project to hybrid-serverless-app?',
    ]);
    expect(settingsAsked().map((spec) => spec.key)).not.toContain('vpcEndpointId');
    const [topology, frontend] = questions.slice(1);
    expect(topology.type).toBe('select');
    expect(topology.choices).toEqual([
      expect.objectContaining({ value: 'apigw-vpce', description: expect.stringContaining('throttling, request validation') }),
      expect.objectContaining({ value: 'alb-lambda', description: expect.stringContaining('simpler, cheaper, one hop shorter') }),
      expect.objectContaining({ value: 'apigw-private-domain', description: expect.stringContaining('no ALB') }),
    ]);
    // y or n, then Enter, as for every other question: a confirm would take the y alone.
    expect(frontend).toMatchObject({ type: 'text', message: 'Serve a single-page web app next to the API? (y/N)', initial: 'no' });
    // The certificate's default follows the region and account answered before it.
    const certificate = questions.find((q) => String(q.message).startsWith('ACM certificate'))!;
    expect(certificate.initial).toBe('arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000');

    expect(result.generated).toHaveLength(1);
    expect(result.generated[0]).toMatchObject({
      name: 'hybrid-serverless-app',
      outdir: expect.stringContaining(path.join(cwd, '.hybrid-serverless-app.tmp-')),
      settings: { region: 'us-east-1', account: '111122223333', topology: 'alb-lambda', frontend: false },
    });
    expect(fs.readdirSync(cwd)).toEqual(['hybrid-serverless-app']);
  });

  test('the prompts validate with the registry and re-ask', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    await runInProcess(['app', '--no-install', '--no-git'], { cwd, interactive: true, ask: defaultsAsker(questions) });
    const validate = (start: string, value: string) =>
      (questions.find((q) => String(q.message).startsWith(start))!.validate as (v: string) => true | string)(value);
    expect(validate('Host name', 'MyApp.Example.com ')).toBe(true);
    expect(validate('Host name', 'my_app.example.com')).toContain('is not a valid host name');
    expect(validate('AWS region', 'eu-wst-1')).toContain('Did you mean "eu-west-1"?');
    expect(validate('Private subnet ids', 'subnet-0123456789abcdef0')).toContain('at least two');
    expect(validate('On-premises CIDR', '0.0.0.0/0')).toContain('whole internet');
    expect(validate('ACM certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001'))
      .toContain('is in us-east-1, but the app deploys to eu-west-1');
  });

  test('an optional setting: asked when it applies, left out when the answer is empty', async () => {
    for (const [answer, expected] of [['', undefined], [' vpce-0123456789abcdef0 ', 'vpce-0123456789abcdef0']]) {
      const questions: Array<PromptObject<'value'>> = [];
      const ask: Ask = async (question) => (String(question.message).startsWith('Existing execute-api')
        ? answer : question.type === 'select' ? 'apigw-vpce' : defaultsAsker(questions)(question));
      const result = await runInProcess([`app-${expected}`, '--no-install', '--no-git'], { cwd, interactive: true, ask });
      expect(result.code).toBe(0);
      expect(result.generated[0].settings.vpcEndpointId).toBe(expected);
    }
  });

  test('a choice that conflicts with a flag is explained and asked again', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const topologies = ['alb-lambda', 'apigw-vpce'];
    const ask: Ask = async (question) => (question.type === 'select' ? topologies.shift() : defaultsAsker(questions)(question));
    const result = await runInProcess(['app', '--vpc-endpoint-id', 'vpce-0123456789abcdef0', '--no-install', '--no-git'], {
      cwd, interactive: true, ask,
    });
    expect(result.err).toBe('--vpc-endpoint-id: applies only to the topologies "apigw-vpce" and "apigw-private-domain"; remove it or choose one of them.');
    expect(result.code).toBe(0);
    expect(result.generated[0].settings).toMatchObject({ topology: 'apigw-vpce', vpcEndpointId: 'vpce-0123456789abcdef0' });
  });

  test('the directory question refuses a non-empty directory and unusable names', async () => {
    fs.mkdirSync(path.join(cwd, 'taken'));
    fs.writeFileSync(path.join(cwd, 'taken', 'x'), '');
    const questions: Array<PromptObject<'value'>> = [];
    await runInProcess(['--no-install', '--no-git'], { cwd, interactive: true, ask: defaultsAsker(questions) });
    const validate = questions[0].validate as (v: string) => true | string;
    expect(validate('taken')).toContain('is not empty (x)');
    expect(validate('日本')).toContain('cannot make an npm package name');
    expect(validate('fresh')).toBe(true);
    // Enter takes the default, which the run above has just filled.
    expect(validate('')).toContain('hybrid-serverless-app" is not empty (package.json)');
  });

  test('settings given as flags are not asked', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    await runInProcess(['app', '-t', 'apigw-vpce', '--no-frontend', '--region', 'us-west-2', '--no-install', '--no-git'], {
      cwd, interactive: true, ask: defaultsAsker(questions),
    });
    const asked = questions.map((q) => String(q.message));
    // The settings not given, the first environment's name, and the confirmation.
    expect(asked).toHaveLength(settingsAsked({ topology: Topology.APIGW_VPCE }).length - 3 + 2);
    expect(asked.some((m) => m.startsWith('AWS region') || m.startsWith('How should'))).toBe(false);
  });

  test('every answer is shown once more; "n" to the one confirmation: exit 130, nothing written', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const answerDefault = defaultsAsker(questions);
    const ask: Ask = async (question) => (String(question.message).startsWith('Write the project') ? 'n' : answerDefault(question));
    const result = await runInProcess(['app', '--no-install', '--no-git'], { cwd, interactive: true, ask });
    expect(result.code).toBe(130);
    expect(result.err).toBe('Cancelled: nothing was written.');
    expect(result.out).toContain(`Summary:\n  directory       ${path.join(cwd, 'app')}\n  environments    dev\n  topology        ALB straight to Lambda\n`);
    expect(result.out).toContain('  hostedZoneId    Z0123456789ABCDEFGHIJ (placeholder)\n');
    expect(result.generated).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('a dry run shows the answers but asks no confirmation: it writes nothing', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '--dry-run', '--no-install', '--no-git'], { cwd, interactive: true, ask: defaultsAsker(questions) });
    expect(result.code).toBe(0);
    expect(result.out).toContain('Summary:');
    expect(questions.map((q) => String(q.message)).filter((m) => m.startsWith('Write the project'))).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('Ctrl-C at any question: exit 130, nothing written', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const answerDefault = defaultsAsker(questions);
    const ask: Ask = async (question) => {
      if (questions.length === 2) throw new CancelledError();
      return answerDefault(question);
    };
    const result = await runInProcess(['--no-install', '--no-git'], { cwd, interactive: true, ask });
    expect(result.code).toBe(130);
    expect(result.err).toBe('Cancelled: nothing was written.');
    expect(result.generated).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('an answer that bypassed the prompt\'s validation is still refused: exit 2', async () => {
    const ask: Ask = async (question) => (String(question.message).startsWith('VPC id') ? 'vpc-nope' : question.type === 'select' ? 'alb-lambda' : question.initial);
    const result = await runInProcess(['app', '--no-install', '--no-git'], { cwd, interactive: true, ask });
    expect(result.code).toBe(2);
    expect(result.err).toContain('vpcId: "vpc-nope" is not a vpc id');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('bad flags are reported before anything is asked', async () => {
    const ask: Ask = async () => { throw new Error('must not ask'); };
    const result = await runInProcess(['app', '--vpc-id', 'nope'], { cwd, interactive: true, ask });
    expect(result.code).toBe(2);
    expect(result.err).toContain('--vpc-id: "nope" is not a vpc id');
  });
});

describe('non-interactive flow', () => {
  let cwd: string;
  beforeEach(() => { cwd = tempDir(); });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  test('every setting as a flag needs no terminal and no --yes', async () => {
    const result = await runInProcess([
      'app',
      ...everySettingFlag({
        domain: 'orders.corp.example.com',
        hostedZoneId: 'Z123456',
        account: '111122223333',
        region: 'eu-central-1',
        certificateArn: 'arn:aws:acm:eu-central-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
        vpcId: 'vpc-11112222',
        subnetIds: 'subnet-11112222,subnet-33334444',
      }),
      '--no-install', '--no-git', '--package-spec', 'file:pkg.tgz',
    ], { cwd });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.generated[0]).toMatchObject({ name: 'app', packageSpec: `file:${path.join(cwd, 'pkg.tgz')}`, packageManager: 'npm' });
    expect(result.out).not.toContain('replace these placeholders');
  });

  test('a project name from the answers file names the directory', async () => {
    fs.writeFileSync(path.join(cwd, 'a.json'), JSON.stringify({ name: '@acme/portal' }));
    const result = await runInProcess(['--answers', 'a.json', '--no-install', '--no-git'], { cwd });
    expect(result.code).toBe(0);
    expect(result.generated[0].name).toBe('@acme/portal');
    expect(fs.readdirSync(cwd).sort()).toEqual(['a.json', 'portal']);
  });
});

describe('environments', () => {
  let cwd: string;
  beforeEach(() => { cwd = tempDir(); });

  test('the first environment\'s name is asked, checked, and written to .projenrc.ts', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '--no-install', '--no-git'], {
      cwd, interactive: true, ask: defaultsAsker(questions, { 'Name of the first environment': 'staging' }),
    });
    expect(result.code).toBe(0);
    const question = questions.find((q) => q.message === 'Name of the first environment')!;
    expect(question.initial).toBe('dev');
    expect((question.validate as (v: string) => true | string)('Prod')).toContain('is not an environment name');
    expect(result.generated[0].settings.environments).toEqual([{ name: 'staging' }]);
  });

  test('any number come from the answers file, checked by environment', async () => {
    fs.writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', subnetIds: ['subnet-1'] }],
    }));
    const bad = await runInProcess(['app', '--answers', 'answers.json', '--no-install', '--no-git'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/answers\.json: environments\[1\]\.subnetIds: .*not a subnet id/);
    fs.writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', production: true }],
    }));
    const good = await runInProcess(['app', '--answers', 'answers.json', '--no-install', '--no-git'], { cwd });
    expect(good.code).toBe(0);
    expect(good.generated[0].settings.environments).toEqual([{ name: 'dev' }, { name: 'prod', account: '222233334444', production: true }]);
    expect(good.out).toContain('deploy:prod');
  });

  test('--environment names the first one without asking', async () => {
    const result = await runInProcess(['app', '--yes', '--environment', 'qa', '--no-install', '--no-git'], { cwd });
    expect(result.code).toBe(0);
    expect(result.generated[0].settings.environments).toEqual([{ name: 'qa' }]);
    const bad = await runInProcess(['other', '--yes', '--environment', 'QA!', '--no-install', '--no-git'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--environment: "QA!" is not an environment name');
  });
});
