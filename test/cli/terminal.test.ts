import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LocalProvider, startProvider } from './provider';
import { BIN, fakeBin, isAlive, requireBuiltCli, settingsAsked, tempDir, waitUntil } from './util';
import { checkDirectoryAnswer, shortQuestion } from '../../src/cli/questions';
import { shellQuote } from '../../src/cli/ui';
import {
  checkAccount, checkCertificateArn, checkClientId, checkCorporateCidrs, checkDomain, checkEnvironmentName, checkHandlerEgress,
  checkHostedZoneId, checkHttpsUrl, checkIssuer, checkRegion, checkReservedConcurrency, checkSecretReference, checkSubnetIds, checkVpcId,
} from '../../src/validate';
import { presetPackage } from '../preset/fixture';

/**
 * What a person sees: the CLI in a real terminal emulator (tmux) of a given width, read back as
 * the screen it shows (with the rows scrolled off the top), after the keys a person would press.
 */
class Screen {
  private readonly socket: string;

  constructor(args: readonly string[], cwd: string, options: { columns: number; env?: Record<string, string> }) {
    this.socket = path.join(cwd, '.tmux');
    const env = { NO_COLOR: '1', ...options.env };
    const command = [
      'env', '-u', 'npm_config_user_agent', '-u', 'CI', ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
      process.execPath, BIN, ...args,
    ].map(shellQuote).join(' ');
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-x', String(options.columns), '-y', '24', '-c', cwd,
      // After the CLI: its exit code, and whether the terminal echoes typed keys again.
      `${command}; echo "[exit $?]"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo'; sleep 600`);
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf-8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  /** The screen, with everything scrolled off its top; `escapes`: with the colours and attributes drawn. */
  text(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-S', '-', '-t', '0').replace(/\s+$/, '');
  }

  /** The screen with every run of white space one space: a message wrapped over rows reads as one line. */
  flat(): string {
    return this.text().replace(/\s+/g, ' ');
  }

  /** Waits until the screen shows `text` (a string, also wrapped over rows; a pattern; or what a function accepts). */
  async waitFor(text: string | RegExp | ((shown: string) => boolean), timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const shows = () => (typeof text === 'string' ? this.text().includes(text) || this.flat().includes(text)
      : typeof text === 'function' ? text(this.text()) : text.test(this.text()));
    while (!shows()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen:\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  /** Types text, or presses named keys (Enter, BSpace, …). */
  type(text: string): void {
    this.tmux('send-keys', '-t', '0', '-l', text);
  }

  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', '0', ...keys);
  }

  async exitCode(): Promise<number> {
    await this.waitFor(/\[exit \d+\]/);
    return Number(/\[exit (\d+)\]/.exec(this.text())![1]);
  }

  /** Sends a signal to the CLI's process (the child of the pane's shell). */
  signal(signal: NodeJS.Signals): void {
    const shell = this.tmux('list-panes', '-F', '#{pane_pid}').trim();
    const pid = Number(spawnSync('pgrep', ['-P', shell], { encoding: 'utf-8' }).stdout.trim());
    process.kill(pid, signal);
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}

/** Lines of the screen that start with `start`. */
const linesStarting = (screen: string, start: string) => screen.split('\n').filter((line) => line.startsWith(start));

let parent: string;
let screen: Screen | undefined;
beforeAll(requireBuiltCli);
beforeEach(() => { parent = tempDir('chs-tty-'); });
afterEach(() => {
  screen?.close();
  screen = undefined;
  fs.rmSync(parent, { recursive: true, force: true });
});

/** Answers every question with Enter, from `from` on, up to the confirmation. */
async function enterThrough(s: Screen, keys: readonly string[]): Promise<void> {
  for (const question of keys) {
    await s.waitFor(`? ${question}`);
    s.press('Enter');
    await s.waitFor(`✔ ${question}`);
  }
}

/** Exit 130, saying so, and nothing written. */
async function expectCancelled(s: Screen): Promise<void> {
  expect(await s.exitCode()).toBe(130);
  expect(s.text()).toContain('Cancelled: nothing was written.');
  expect(fs.readdirSync(parent)).toEqual(['.tmux']);
}

// Every question of a run, in order: the settings, the sign-in, then the first environment's name.
const questions = [...settingsAsked().map((spec) => shortQuestion(spec).question), 'Sign users in with your identity provider?',
  'Name of the first environment'];

describe.each([80, 100, 120])('at %i columns', (columns) => {
  test('a refused answer and its correction: each question shown once, no error left, no stray text', async () => {
    screen = new Screen(['app', '--no-install', '--no-git'], parent, { columns });
    const region = questions.indexOf('AWS region');
    await enterThrough(screen, questions.slice(0, region));
    await screen.waitFor('? AWS region');
    screen.type('eu-wst-1');
    screen.press('Enter');
    await screen.waitFor('Did you mean');
    screen.press(...Array<string>(8).fill('BSpace'));
    screen.type('us-east-2');
    screen.press('Enter');
    await screen.waitFor('✔ AWS region');
    await enterThrough(screen, questions.slice(region + 1));
    await screen.waitFor('Write the project to app? (Y/n)');
    screen.press('Enter');
    expect(await screen.exitCode()).toBe(0);

    const shown = screen.text();
    for (const question of questions) expect(linesStarting(shown, `✔ ${question}`)).toHaveLength(1);
    expect(linesStarting(shown, '✔ AWS region')).toEqual(['✔ AWS region … us-east-2']);
    expect(shown).not.toContain('Did you mean');
    expect(shown).not.toContain('eu-wst-1');
    // What follows the questions starts on lines of its own, with nothing of them left on it.
    expect(shown).toMatch(/^Wrote \d+ files\.$/m);
    expect(shown).toMatch(/^Done: app is ready\.$/m);
    const projenrc = fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('region: \'us-east-2\'');
    // The certificate's default followed the region typed before it.
    expect(projenrc).toContain('arn:aws:acm:us-east-2:123456789012:certificate/00000000-0000-0000-0000-000000000000');
    expect(fs.readdirSync(parent).sort()).toEqual(['.tmux', 'app']);
  });

  test('a long answer that wraps, refused and corrected: the question shown once, no error left', async () => {
    screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend', '--region', 'eu-west-1', '--account', '111122223333'], parent, { columns });
    const certificate = 'ACM certificate ARN for the host name';
    await enterThrough(screen, questions.slice(2, questions.indexOf(certificate)).filter((q) => !/AWS (region|account)/.test(q)));
    await screen.waitFor(`? ${certificate}`);
    const good = 'arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012';
    screen.type(good.replace('eu-west-1', 'us-east-1'));
    screen.press('Enter');
    await screen.waitFor('but the app deploys to eu-west-1');
    screen.press(...Array<string>(good.length).fill('BSpace'));
    screen.type(good);
    screen.press('Enter');
    await screen.waitFor(`✔ ${certificate}`);
    screen.press('C-c');
    expect(await screen.exitCode()).toBe(130);
    const shown = screen.text();
    expect(shown.split('\n').filter((line) => line.includes(certificate))).toHaveLength(1);
    expect(shown).not.toContain('us-east-1');
    expect(shown).not.toContain('but the app deploys');
    expect(shown.replace(/\n/g, '')).toContain(`✔ ${certificate} … ${good}`);
  });
});

test('Ctrl-C at the first question: exit 130, nothing written', async () => {
  screen = new Screen(['app', '--no-install', '--no-git'], parent, { columns: 80 });
  await screen.waitFor('? How should requests reach your API?');
  screen.press('C-c');
  await expectCancelled(screen);
});

test('Esc at a later question: exit 130, nothing written', async () => {
  screen = new Screen(['--no-install', '--no-git', '-t', 'alb-lambda'], parent, { columns: 80 });
  await screen.waitFor('? Project directory');
  screen.type('my-app');
  screen.press('Enter');
  await enterThrough(screen, questions.slice(1, 2));
  await screen.waitFor('? Host name users will type');
  screen.press('Escape');
  await expectCancelled(screen);
});

test.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s while a question is asked: cancelled, the terminal echoes again', async (signal, code) => {
  screen = new Screen(['app', '--no-install', '--no-git'], parent, { columns: 80 });
  await screen.waitFor('? How should requests reach your API?');
  screen.signal(signal);
  expect(await screen.exitCode()).toBe(code);
  // The shell prints the terminal's echo setting just after the exit code: wait for that line too.
  await screen.waitFor(/\[exit \d+\]\n-?echo/);
  expect(screen.text()).toMatch(/Cancelled: nothing was written\.\n\[exit \d+\]\necho$/);
  expect(fs.readdirSync(parent)).toEqual(['.tmux']);
});

test('Ctrl-C during the install, in a terminal: the install stops, the files are kept, and it says how to finish', async () => {
  const pidFile = path.join(parent, 'npm.pid');
  const bin = fakeBin({ npm: `echo $$ > '${pidFile}'\nexec sleep 60` });
  try {
    screen = new Screen(['app', '--yes', '--no-git'], parent, { columns: 80, env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    await screen.waitFor('Installing dependencies with npm…');
    await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf-8').trim() !== '', 'npm to start');
    screen.press('C-c');
    expect(await screen.exitCode()).toBe(130);
    expect(screen.text()).toContain('Interrupted: the install did not complete.\nThe project files are in');
    expect(screen.text()).toContain('To finish, run:\n  cd app && npm install && npx projen');
    expect(isAlive(Number(fs.readFileSync(pidFile, 'utf-8')))).toBe(false);
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

test('"y" then Enter answers a yes/no question, and the Enter does not answer the next one', async () => {
  screen = new Screen(['app', '--no-install', '--no-git'], parent, { columns: 80 });
  await enterThrough(screen, questions.slice(0, 1));
  await screen.waitFor('? Serve a single-page web app next to the API? (y/N)');
  screen.type('y');
  await screen.waitFor('(y/N) › y');
  screen.press('Enter');
  await screen.waitFor('? Host name users will type');
  screen.type('web.corp.example.com');
  screen.press('Enter');
  await enterThrough(screen, questions.slice(3));
  await screen.waitFor('Write the project to app? (Y/n)');
  const shown = screen.text();
  expect(linesStarting(shown, '✔ Serve a single-page web app')).toEqual(['✔ Serve a single-page web app next to the API? (y/N) … y']);
  expect(linesStarting(shown, '✔ Host name users will type')).toEqual(['✔ Host name users will type … web.corp.example.com']);
  // The summary before the confirmation shows every answer.
  expect(shown).toMatch(/^ {2}frontend {8}yes$/m);
  expect(shown).toMatch(/^ {2}domain {10}web\.corp\.example\.com$/m);
  // "n" to the confirmation: nothing written.
  screen.type('n');
  screen.press('Enter');
  await expectCancelled(screen);
});

test('placeholders are offered as placeholders, and marked in the summary', async () => {
  screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend', '--domain', 'a.example.com'], parent, { columns: 80 });
  await screen.waitFor('? Route 53 hosted zone id for that name');
  expect(screen.text()).toContain('\n  A placeholder: Enter keeps it; set the real value before cdk deploy.\n? Route 53 hosted zone id');
  await enterThrough(screen, questions.slice(3));
  await screen.waitFor('Write the project to app? (Y/n)');
  expect(screen.text()).toMatch(/^ {2}hostedZoneId {4}Z0123456789ABCDEFGHIJ \(placeholder\)$/m);
});

test('sign-in: a yes, then the provider\'s details, a secret\'s value refused and corrected, shown in the summary', async () => {
  screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend'], parent, { columns: 80 });
  const signIn = 'Sign users in with your identity provider?';
  await enterThrough(screen, questions.slice(2, questions.indexOf(signIn)));
  await screen.waitFor(`? ${signIn} (y/N)`);
  screen.type('y');
  screen.press('Enter');
  const secret = 'Secrets Manager secret (name or ARN) holding the client secret';
  for (const [question, answer] of [['Identity provider\'s issuer URL', 'https://idp.example.com'],
    ['Its authorization endpoint', 'https://idp.example.com/authorize'], ['Its token endpoint', 'https://idp.example.com/token'],
    ['Its user info endpoint', 'https://idp.example.com/userinfo'], ['The app\'s client id', 'orders'], [secret, 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9']]) {
    await screen.waitFor(`? ${question}`);
    screen.type(answer);
    screen.press('Enter');
    if (question !== secret) await screen.waitFor(`✔ ${question}`);
  }
  await screen.waitFor('looks like a secret\'s value');
  screen.press(...Array<string>(27).fill('BSpace'));
  screen.type('orders/oidc');
  screen.press('Enter');
  await screen.waitFor(`✔ ${secret}`);
  await enterThrough(screen, ['Name of the first environment']);
  await screen.waitFor('Write the project to app? (Y/n)');
  const shown = screen.text();
  expect(shown).not.toContain('aB3dE5gH7jK9mN1pQ3sT5vX7zA9');
  expect(shown).toMatch(/^ {2}sign-in +https:\/\/idp\.example\.com \(client orders, secret orders\/oidc\)$/m);
  screen.press('Enter');
  expect(await screen.exitCode()).toBe(0);
  expect(fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8')).toContain("clientId: 'orders', clientSecret: 'orders/oidc' }");
});

test.each([
  ['with NO_COLOR set, the questions are drawn without colours', { NO_COLOR: '1' }, false],
  ['without it, in colour', { NO_COLOR: '' }, true],
])('%s', async (_, env, coloured) => {
  screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda'], parent, { columns: 80, env: { ...env, TERM: 'xterm-256color' } });
  await screen.waitFor('? Serve a single-page web app next to the API? (y/N)');
  // SGR sequences: colours (30–37, 90–97) and attributes.
  expect(/\u001b\[[0-9;]*m/.test(screen.text(true))).toBe(coloured);
});

test('--yes in a terminal asks nothing, not even the confirmation', async () => {
  screen = new Screen(['app', '--yes', '--no-install', '--no-git'], parent, { columns: 80 });
  expect(await screen.exitCode()).toBe(0);
  expect(screen.text()).not.toContain('Write the project');
  expect(fs.existsSync(path.join(parent, 'app', '.projenrc.ts'))).toBe(true);
});

describe('at 80 columns, every validation message whole', () => {
  let provider: LocalProvider;
  beforeAll(async () => { provider = await startProvider(); });
  afterAll(() => provider.close());

  /** The rows below the question's last `? question` row: its answer's wrapped rows and the error. */
  const rowsBelow = (shown: string, question: string) => {
    const rows = shown.split('\n');
    const at = rows.map((row, i) => (row.startsWith(`? ${question}`) ? i : -1)).filter((i) => i >= 0).pop()!;
    return rows.slice(at + 1);
  };

  test('each refused answer\'s message shows in full, wrapped at spaces, naming the value; the sign-in\'s endpoints discovered', async () => {
    fs.mkdirSync(path.join(parent, 'taken'));
    fs.writeFileSync(path.join(parent, 'taken', 'notes.txt'), '');
    const region = 'eu-west-1';
    const account = '111122223333';
    const certificate = `arn:aws:acm:${region}:${account}:certificate/12345678-1234-1234-1234-123456789012`;
    const subnetIds = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
    // [question, refused answer, its message (from the validators the CLI uses), the answer that is taken]
    const refusals: Array<[string, string, string, string]> = [
      ['Project directory', 'taken', checkDirectoryAnswer('taken', parent, false)!, 'app'],
      ['Host name users will type', 'orders_api.corp.example.com', checkDomain('orders_api.corp.example.com')!, 'orders.corp.example.com'],
      ['Route 53 hosted zone id for that name', 'z123', checkHostedZoneId('z123')!, 'Z0123456789ABCDEFGHIJ'],
      ['AWS account id', '1111-2222-3333', checkAccount('1111-2222-3333')!, account],
      ['AWS region', 'eu-wst-1', checkRegion('eu-wst-1')!, region],
      ['ACM certificate ARN for the host name', certificate.replace(region, 'us-east-1'),
        checkCertificateArn(region, account)(certificate.replace(region, 'us-east-1'))!, certificate],
      ['VPC id', 'vpc-123', checkVpcId('vpc-123')!, 'vpc-0123456789abcdef0'],
      // Two subnet ids, the second wrong: the message names that one.
      ['Private subnet ids, comma-separated', `${subnetIds[0]},subnet-0fedcba98765432`,
        checkSubnetIds([subnetIds[0], 'subnet-0fedcba98765432'])!, subnetIds.join(',')],
      ['On-premises CIDR ranges allowed in, comma-separated', '10.0.0.0/8,172.16.0.1/12', checkCorporateCidrs(['10.0.0.0/8', '172.16.0.1/12'])!, '10.0.0.0/8'],
      ['On-premises destinations for the API', '10.20.0.0/16:99999', checkHandlerEgress(['10.20.0.0/16:99999'])!, ''],
      ['Is this the production environment (deletion protection on the load balancer)?', 'maybe', 'answer y or n (Enter: the default).', 'n'],
      ['Reserved concurrency for the API', '0', checkReservedConcurrency(0)!, ''],
      ['Identity provider\'s issuer URL', provider.issuer.replace('https', 'http'), checkIssuer(provider.issuer.replace('https', 'http'))!, provider.issuer],
      ['Its token endpoint', 'https://10.0.0.1/token', checkHttpsUrl('https://10.0.0.1/token')!, ''],
      ['The app\'s client id', 'orders app', checkClientId('orders app')!, 'orders'],
      ['Secrets Manager secret (name or ARN) holding the client secret', 'Q2hzU2VjcmV0VmFsdWUxMjM0NTY3ODk',
        checkSecretReference(region)('Q2hzU2VjcmV0VmFsdWUxMjM0NTY3ODk')!, 'orders/oidc-client'],
      ['Name of the first environment', 'Prod', checkEnvironmentName('Prod')!, 'prod'],
    ];
    expect(refusals[7][2]).toContain('"subnet-0fedcba98765432" is not a subnet id');
    // The provider's discovery document, reached as in a corporate network: through the proxy,
    // its certificate trusted through NODE_EXTRA_CA_CERTS.
    screen = new Screen(['--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend'], parent, {
      columns: 80, env: { HTTPS_PROXY: provider.proxy, NODE_EXTRA_CA_CERTS: provider.caFile },
    });
    const asked = ['Project directory', ...questions.slice(2, questions.indexOf('Sign users in with your identity provider?'))];
    const auth = ['Identity provider\'s issuer URL', 'Its authorization endpoint', 'Its token endpoint', 'Its user info endpoint',
      'The app\'s client id', 'Secrets Manager secret (name or ARN) holding the client secret'];
    for (const question of [...asked, 'Sign users in with your identity provider?', ...auth, 'Name of the first environment']) {
      const short = question.replace(/ \(.*\)$/, '');
      await screen.waitFor(`? ${short}`);
      if (question.startsWith('Sign users in')) {
        screen.type('y');
      } else {
        const refusal = refusals.find(([q]) => q === question);
        if (refusal) {
          const [, bad, message, good] = refusal;
          screen.press('C-u');
          screen.type(bad);
          screen.press('Enter');
          // The rows under the answer, without white space and the error's "›", hold every character of the message.
          const whole = (shown: string) => rowsBelow(shown, short).join('').replace(/[\s›]/g, '').includes(message.replace(/\s/g, ''));
          await screen.waitFor(whole);
          const below = rowsBelow(screen.text(), short);
          // Whole: every character of the message, in order, under the answer; wrapped by the CLI at
          // spaces (no row fills the terminal, as one the terminal wrapped would), nothing cut.
          expect(below.join('').replace(/[\s›]/g, '')).toContain(message.replace(/\s/g, ''));
          for (const row of below) expect(row.length).toBeLessThan(80);
          expect(below.join(' ')).not.toContain('…');
          // Ctrl-U empties the line, as in a shell: then the answer that is taken.
          screen.press('C-u');
          if (good) screen.type(good);
        }
      }
      screen.press('Enter');
      await screen.waitFor(`✔ ${short}`);
    }
    await screen.waitFor('Write the project to app? (Y/n)');
    const shown = screen.text();
    // The endpoints came from the discovery document: Enter kept them.
    expect(provider.requests).toContain('/oauth2/default/.well-known/openid-configuration');
    expect(shown.replace(/\n/g, '')).toContain(`✔ Its authorization endpoint … ${provider.issuer}/v1/authorize`);
    expect(shown.replace(/\n/g, '')).toContain(`✔ Its user info endpoint … ${provider.issuer}/v1/userinfo`);
    expect(screen.flat()).toContain('register the callback https://orders.corp.example.com/oauth2/idpresponse there');
    expect(screen.flat()).toContain('Found the endpoints there; Enter keeps each.');
    // No message is left on the screen once its answer was corrected.
    for (const [, , message] of refusals) expect(screen.flat()).not.toContain(message.replace(/\s+/g, ' ').slice(0, 40));
    screen.press('Enter');
    expect(await screen.exitCode()).toBe(0);
    const projenrc = fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain(`tokenEndpoint: '${provider.issuer}/v1/token'`);
    expect(projenrc).toContain("subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210']");
    expect(projenrc).toContain("environments: [{ name: 'prod' }]");
  });

  test('line-editing keys edit, as in a shell: no invisible character, no error about one', async () => {
    screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend'], parent, { columns: 80 });
    await screen.waitFor('? Host name users will type');
    screen.type('web orders');
    // Ctrl-W: the word before; Ctrl-V and Ctrl-T: nothing; Ctrl-U: everything before the cursor.
    screen.press('C-w', 'C-v', 'C-t');
    screen.type('x');
    await screen.waitFor('› web x');
    screen.press('C-u');
    screen.type('orders.corp.example.co');
    // Ctrl-A and Ctrl-E move; Ctrl-K deletes to the end; Alt-Backspace the word before.
    screen.press('C-a', 'C-k');
    screen.type('api.corp.example.com.au');
    screen.press('M-BSpace', 'BSpace');
    screen.press('Enter');
    await screen.waitFor('✔ Host name users will type … api.corp.example.com');
    screen.press('C-c');
    expect(await screen.exitCode()).toBe(130);
    expect(screen.text()).not.toMatch(/newline|control character|\\u00/);
  });

  test('a choice that conflicts with a flag: the reason wrapped whole above the question asked again', async () => {
    screen = new Screen(['app', '--no-install', '--no-git', '--vpc-endpoint-id', 'vpce-0123456789abcdef0'], parent, { columns: 80 });
    await screen.waitFor('? How should requests reach your API?');
    screen.press('Enter');
    const message = '--vpc-endpoint-id: applies only to the topologies "apigw-vpce" and "apigw-private-domain"; remove it or choose one of them.';
    await screen.waitFor(message);
    const rows = screen.text().split('\n');
    const at = rows.findIndex((row) => row.startsWith('--vpc-endpoint-id:'));
    expect(rows.slice(at, at + 2).map((row) => row.length < 80)).toEqual([true, true]);
    expect(rows.slice(at, at + 2).join(' ').replace(/\s+/g, ' ')).toBe(message);
    expect(rows[at + 2]).toMatch(/^\? How should requests reach your API\?/);
    screen.press('C-c');
    expect(await screen.exitCode()).toBe(130);
  });

  test('the topology menu: the default first and chosen, each price labelled in its description, none above the question', async () => {
    screen = new Screen(['app', '--no-install', '--no-git'], parent, { columns: 80 });
    await screen.waitFor('? How should requests reach your API?');
    const rows = screen.text().split('\n');
    const at = rows.findIndex((row) => row.startsWith('? How should requests reach your API?'));
    expect(rows.slice(0, at).join('\n')).not.toContain('$');
    expect(rows[at + 1]).toBe('❯   ALB straight to Lambda');
    expect(rows.slice(at + 2).join(' ')).toContain('Price per environment: ~$16/month + capacity units');
    expect(rows.indexOf('    API Gateway via VPC endpoint')).toBeGreaterThan(at + 1);
    expect(rows.indexOf('    API Gateway, private custom domain')).toBeGreaterThan(rows.indexOf('    API Gateway via VPC endpoint'));
    screen.press('Enter');
    await screen.waitFor('✔ How should requests reach your API? › ALB straight to Lambda');
    screen.press('C-c');
    expect(await screen.exitCode()).toBe(130);
  });

  test('the install says what it does and how long it usually takes, with a status line while it runs', async () => {
    const log = Array.from({ length: 40 }, (_, i) => `npm http fetch GET 200 https://registry.npmjs.org/p${i} 5ms (cache hit)`).join('\n');
    const bin = fakeBin({
      npm: `printf '%s\\n' '${log.replace(/'/g, '')}' >&2\nsleep 2\necho 'npm warn deprecated p3@1.0.0: no longer kept' >&2\necho 'added 40 packages in 2s'`,
      npx: 'echo "ran $*"',
    });
    try {
      screen = new Screen(['app', '--yes', '--no-git'], parent, { columns: 80, env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
      await screen.waitFor('resolving versions (40 package manifests read)');
      expect(screen.text()).toMatch(/^ {2}\d s: resolving versions \(40 package manifests read\)$/m);
      expect(await screen.exitCode()).toBe(0);
      const shown = screen.text();
      expect(screen.flat()).toContain('Installing dependencies with npm… (step 1 of 2, usually 30 s to 2 min; longer with an empty npm cache or a slow registry)');
      expect(screen.flat()).toContain('Running npx projen, which records the versions installed… (step 2 of 2, usually 5 to 20 s)');
      // npm's own lines, not its progress log; each step's time; the status line gone.
      expect(shown).toContain('npm warn deprecated p3@1.0.0: no longer kept\nadded 40 packages in 2s\n  done in 2 s.');
      expect(shown).toContain('ran projen\n  done in 0 s.');
      expect(shown).not.toContain('npm http');
      expect(shown).not.toContain('resolving versions');
      // Its lines wrapped at spaces, not cut by the terminal.
      const steps = shown.split('\n').filter((row, i, rows) => /^(Installing|Running) /.test(row) || /^(Installing|Running) /.test(rows[i - 1] ?? ''));
      expect(steps).toHaveLength(4);
      for (const row of steps) expect(row.length).toBeLessThan(80);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

test('--preset: what it locks is not asked, its defaults are offered, the summary says which values are the preset\'s', async () => {
  const preset = presetPackage();
  screen = new Screen(['app', '--no-install', '--no-git', '-t', 'alb-lambda', '--no-frontend', '--preset', preset], parent, { columns: 80 });
  const asked = questions.slice(2).filter((question) => !question.startsWith('On-premises CIDR ranges'));
  await screen.waitFor(`? ${asked[0]}`);
  expect(screen.text()).toContain('app.corp.acme.example');
  await enterThrough(screen, asked);
  await screen.waitFor('Write the project to app? (Y/n)');
  const shown = screen.text();
  expect(shown).not.toContain('On-premises CIDR ranges');
  expect(shown).toMatch(/^ {2}region +eu-central-1 \(from the preset\)$/m);
  expect(shown).toMatch(/^ {2}corporateCidrs +10\.40\.0\.0\/14 \(locked by the preset\)$/m);
  screen.press('Enter');
  expect(await screen.exitCode()).toBe(0);
  const projenrc = fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8');
  expect(projenrc).toContain('preset: \'@acme/hybrid-preset\',');
  expect(projenrc).not.toMatch(/corporateCidrs|region:|domain:/);
});
