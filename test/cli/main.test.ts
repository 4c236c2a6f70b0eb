import * as fs from 'fs';
import * as path from 'path';
import type { PromptObject } from 'prompts';
import { everySettingFlag, runInProcess, settingsAsked, tempDir } from './util';
import { discoveryUrl } from '../../src/cli/discovery';
import { Ask, shortQuestion } from '../../src/cli/questions';
import { CancelledError } from '../../src/cli/ui';
import { Topology } from '../../src/options';

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

/** The validation of the question that starts with `start`, as prompts runs it. */
function validatorOf(questions: Array<PromptObject<'value'>>) {
  return (start: string, value: string) =>
    (questions.find((q) => String(q.message).startsWith(start))!.validate as (v: string) => true | string)(value);
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
      'Sign users in with your identity provider?',
      'Name of the first environment',
      'Write the project to hybrid-serverless-app?',
    ]);
    expect(settingsAsked().map((spec) => spec.key)).not.toContain('vpcEndpointId');
    const [topology, frontend] = questions.slice(1);
    expect(topology.type).toBe('select');
    // The default first.
    expect(topology.choices).toEqual([
      expect.objectContaining({ value: 'alb-lambda', description: expect.stringContaining('simpler, cheaper, one hop shorter') }),
      expect.objectContaining({ value: 'apigw-vpce', description: expect.stringContaining('throttling, request validation') }),
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
    const validate = validatorOf(questions);
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

  test('asks for the sign-in after a yes, validating each detail, and writes it as auth', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '--no-install', '--no-git'], {
      cwd,
      interactive: true,
      ask: defaultsAsker(questions, {
        'Sign users in': 'y',
        'Identity provider\'s issuer URL': 'https://idp.example.com/oauth2/default',
        'Its authorization endpoint': 'https://idp.example.com/oauth2/default/v1/authorize',
        'Its token endpoint': 'https://idp.example.com/oauth2/default/v1/token',
        'Its user info endpoint': 'https://idp.example.com/oauth2/default/v1/userinfo',
        'The app\'s client id': '0oa1b2c3d4e5f6g7h8i9',
        'Secrets Manager secret': 'app/oidc-client-secret',
      }),
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const asked = questions.map((q) => String(q.message));
    expect(asked.slice(asked.indexOf('Sign users in with your identity provider? (y/N)'), asked.indexOf('Name of the first environment')))
      .toEqual(['Sign users in with your identity provider? (y/N)', 'Identity provider\'s issuer URL', 'Its authorization endpoint',
        'Its token endpoint', 'Its user info endpoint', 'The app\'s client id',
        'Secrets Manager secret (name or ARN) holding the client secret']);
    expect(result.out).toMatch(/sign-in +https:\/\/idp\.example\.com\/oauth2\/default \(client 0oa1b2c3d4e5f6g7h8i9, secret app\/oidc-client-secret\)/);
    expect(result.out).toContain('Sign-in: before npx projen deploy:dev, store the client secret in Secrets Manager as app/oidc-client-secret');
    expect(result.out).toContain('register https://app.internal.example.com/oauth2/idpresponse as the callback at the provider');
    expect(result.generated[0].settings.auth).toEqual({
      issuer: 'https://idp.example.com/oauth2/default',
      authorizationEndpoint: 'https://idp.example.com/oauth2/default/v1/authorize',
      tokenEndpoint: 'https://idp.example.com/oauth2/default/v1/token',
      userInfoEndpoint: 'https://idp.example.com/oauth2/default/v1/userinfo',
      clientId: '0oa1b2c3d4e5f6g7h8i9',
      clientSecret: 'app/oidc-client-secret',
    });
    // Each answer is checked as it is typed, by the project type's validators.
    const refused = [
      ['Its token endpoint', 'http://idp.example.com/token', 'must use https'],
      ['Identity provider', 'https://idp.example.com/?tenant=1', 'must not have a query'],
      ['Secrets Manager secret', 'Zx8Q~k2LmNoPqRsTuVwXyZ01234', 'is not a Secrets Manager secret name'],
      ['Secrets Manager secret', 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9', 'looks like a secret\'s value'],
      ['Secrets Manager secret', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', 'is in us-east-1, but the environment deploys to eu-west-1'],
    ];
    for (const [question, answer, problem] of refused) expect(validatorOf(questions)(question, answer)).toContain(problem);
  });

  test('the endpoints are read from the issuer\'s discovery document and offered; the callback hint names the host typed', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const issuer = 'https://idp.example.com/oauth2/default';
    const discovered: string[] = [];
    const result = await runInProcess(['app', '--domain', 'orders.corp.example.com', '--no-install', '--no-git'], {
      cwd,
      interactive: true,
      discover: async (typed) => {
        discovered.push(typed);
        return {
          url: discoveryUrl(typed),
          endpoints: { issuer: typed, authorizationEndpoint: `${typed}/v1/authorize`, tokenEndpoint: `${typed}/v1/token`, userInfoEndpoint: `${typed}/v1/userinfo` },
        };
      },
      ask: defaultsAsker(questions, {
        'Sign users in': 'y',
        'Identity provider\'s issuer URL': issuer,
        'The app\'s client id': 'orders',
        'Secrets Manager secret': 'orders/oidc',
      }),
    });
    expect(result.code).toBe(0);
    expect(discovered).toEqual([issuer]);
    const initial = (start: string) => questions.find((q) => String(q.message).startsWith(start))!.initial;
    expect(initial('Its authorization endpoint')).toBe(`${issuer}/v1/authorize`);
    expect(initial('Its token endpoint')).toBe(`${issuer}/v1/token`);
    expect(initial('Its user info endpoint')).toBe(`${issuer}/v1/userinfo`);
    const notes = result.out.replace(/\s+/g, ' ');
    expect(notes).toContain('register the callback https://orders.corp.example.com/oauth2/idpresponse there');
    expect(notes).not.toContain('<host name>');
    expect(notes).toContain(`Reading ${issuer}/.well-known/openid-configuration …`);
    expect(notes).toContain('Found the endpoints there; Enter keeps each.');
    expect(result.generated[0].settings.auth).toEqual({
      issuer,
      authorizationEndpoint: `${issuer}/v1/authorize`,
      tokenEndpoint: `${issuer}/v1/token`,
      userInfoEndpoint: `${issuer}/v1/userinfo`,
      clientId: 'orders',
      clientSecret: 'orders/oidc',
    });
  });

  test('when the discovery document cannot be read, it says why and the endpoints are typed', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '--no-install', '--no-git'], {
      cwd,
      interactive: true,
      ask: defaultsAsker(questions, {
        'Sign users in': 'y',
        'Identity provider\'s issuer URL': 'https://idp.example.com',
        'Its authorization endpoint': 'https://idp.example.com/authorize',
        'Its token endpoint': 'https://idp.example.com/token',
        'Its user info endpoint': 'https://idp.example.com/userinfo',
        'The app\'s client id': 'orders',
        'Secrets Manager secret': 'orders/oidc',
      }),
    });
    expect(result.code).toBe(0);
    expect(questions.find((q) => String(q.message).startsWith('Its token endpoint'))!.initial).toBe('');
    expect(result.out.replace(/\s+/g, ' ')).toContain('Could not read it: the host name was not found (ENOTFOUND; offline?). Type the endpoints');
    expect(result.generated[0].settings.auth).toMatchObject({ tokenEndpoint: 'https://idp.example.com/token' });
  });

  test('the sign-in is not asked where there is no load balancer', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '-t', 'apigw-private-domain', '--no-install', '--no-git'], {
      cwd, interactive: true, ask: defaultsAsker(questions),
    });
    expect(result.code).toBe(0);
    expect(questions.map((q) => String(q.message)).some((m) => m.startsWith('Sign users in'))).toBe(false);
    expect(result.generated[0].settings.auth).toBeUndefined();
  });

  test('settings given as flags are not asked', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    await runInProcess(['app', '-t', 'apigw-vpce', '--no-frontend', '--region', 'us-west-2', '--no-install', '--no-git'], {
      cwd, interactive: true, ask: defaultsAsker(questions),
    });
    const asked = questions.map((q) => String(q.message));
    // The settings not given, the sign-in, the first environment's name, and the confirmation.
    expect(asked).toHaveLength(settingsAsked({ topology: Topology.APIGW_VPCE }).length - 3 + 3);
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

describe('sign-in from the answers file', () => {
  let cwd: string;
  beforeEach(() => { cwd = tempDir(); });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));
  const AUTH = {
    issuer: 'https://idp.example.com',
    authorizationEndpoint: 'https://idp.example.com/authorize',
    tokenEndpoint: 'https://idp.example.com/token',
    userInfoEndpoint: 'https://idp.example.com/userinfo',
    clientId: 'orders',
    clientSecret: 'orders/oidc',
  };

  test('is checked field by field and named, with nothing written', async () => {
    fs.writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({
      auth: { ...AUTH, tokenEndpoint: 'http://idp.example.com/token', scope: 'email', sesionTimeout: 60 },
    }));
    const bad = await runInProcess(['app', '--answers', 'answers.json', '--no-install', '--no-git'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('answers.json: auth.sesionTimeout: is not a field of auth. Did you mean "sessionTimeout"?');
    expect(bad.err).toContain('answers.json: auth.tokenEndpoint: "http://idp.example.com/token" must use https');
    expect(bad.err).toContain('answers.json: auth.scope: "email" must include "openid"');
    expect(bad.generated).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual(['answers.json']);
  });

  test('is refused for the topology without a load balancer', async () => {
    fs.writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({ topology: 'apigw-private-domain', auth: AUTH }));
    const bad = await runInProcess(['app', '--answers', 'answers.json', '--no-install', '--no-git'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('answers.json: auth: the topology "apigw-private-domain" has no load balancer to sign users in at');
  });

  test('is passed on as given, with per-environment values', async () => {
    const prod = { name: 'prod', account: '222233334444', auth: { ...AUTH, clientId: 'orders-prod', providerCidrs: ['10.50.0.0/16'] } };
    fs.writeFileSync(path.join(cwd, 'answers.json'), JSON.stringify({ auth: AUTH, environments: [{ name: 'dev' }, prod] }));
    const good = await runInProcess(['app', '--answers', 'answers.json', '--no-install', '--no-git'], { cwd });
    expect(good.err).toBe('');
    expect(good.code).toBe(0);
    expect(good.generated[0].settings).toMatchObject({ auth: AUTH, environments: [{ name: 'dev' }, prod] });
  });
});
