import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, fakeBin, isAlive, requireBuiltCli, settingsAsked, tempDir, waitUntil } from './util';
import { shortQuestion } from '../../src/cli/questions';
import { shellQuote } from '../../src/cli/ui';

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

  /** Waits until the screen shows `text` (a string, or a pattern). */
  async waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const shows = () => (typeof text === 'string' ? this.text().includes(text) : text.test(this.text()));
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
