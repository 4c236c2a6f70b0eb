import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, cleanEnv, leftovers, settingsAsked, requireBuiltCli, tempDir } from './util';
import { shortQuestion } from '../../src/cli/questions';
import { shellQuote } from '../../src/cli/ui';

/**
 * The CLI in a real pseudo-terminal (util-linux `script`), driven like a person would: wait
 * for a question, press keys.
 */
class Terminal {
  public output = '';
  public readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private seen = 0;

  constructor(args: readonly string[], cwd: string) {
    const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: cleanEnv({ TERM: 'xterm' }) });
    this.child.stdout.on('data', (chunk) => { this.output += chunk; });
    this.child.stderr.on('data', (chunk) => { this.output += chunk; });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits until `text` appears after what was already waited for. */
  async waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.output.indexOf(text, this.seen) < 0) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; output:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.seen = this.output.indexOf(text, this.seen) + text.length;
  }

  /** The exit code; fails with the screen's contents if the CLI does not exit in time. */
  async exitCode(timeoutMs = 30_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the CLI did not exit; output:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  press(keys: string): void {
    this.child.stdin.write(keys);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

describe('in a terminal', () => {
  let parent: string;
  let terminal: Terminal | undefined;
  beforeAll(requireBuiltCli);
  beforeEach(() => { parent = tempDir('chs-pty-'); });
  afterEach(() => {
    terminal?.kill();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  test('Ctrl-C at the first question: exit 130, nothing written', async () => {
    terminal = new Terminal(['app', '--no-install', '--no-git'], parent);
    await terminal.waitFor('How should requests reach your API?');
    terminal.press('\u0003');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.output).toContain('Cancelled: nothing was written.');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('Esc at a later question: exit 130, nothing written', async () => {
    terminal = new Terminal(['--no-install', '--no-git', '-t', 'alb-lambda'], parent);
    await terminal.waitFor('Project directory');
    terminal.press('my-app\r');
    await terminal.waitFor('Serve a single-page web app');
    terminal.press('\r');
    await terminal.waitFor('Host name users will type');
    terminal.press('\u001b');
    expect(await terminal.exitCode()).toBe(130);
    expect(terminal.output).toContain('Cancelled: nothing was written.');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('Enter takes the defaults, "y" and Enter answers yes, a bad answer is asked again, one confirmation', async () => {
    terminal = new Terminal(['--no-install', '--no-git'], parent);
    await terminal.waitFor('Project directory');
    terminal.press('\r');
    for (const spec of settingsAsked()) {
      await terminal.waitFor(shortQuestion(spec).question);
      if (spec.key === 'region') {
        // The registry's message, inline; the question stays until the answer is valid.
        terminal.press('eu-wst-1\r');
        await terminal.waitFor('Did you mean "eu-west-1"?');
        terminal.press('\u007f'.repeat(8) + 'us-east-2\r');
      } else if (spec.key === 'frontend') {
        terminal.press('y\r');
      } else {
        terminal.press('\r');
      }
    }
    await terminal.waitFor('Write the project to hybrid-serverless-app? (Y/n)');
    terminal.press('\r');
    expect(await terminal.exitCode()).toBe(0);
    expect(terminal.output).toContain('Done: hybrid-serverless-app is ready.');
    expect(fs.readdirSync(parent)).toEqual(['hybrid-serverless-app']);
    expect(leftovers(parent)).toEqual([]);
    const projenrc = fs.readFileSync(path.join(parent, 'hybrid-serverless-app', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('Topology.ALB_LAMBDA');
    expect(projenrc).toContain('frontend: true,');
    expect(projenrc).toContain('region: \'us-east-2\'');
    // The certificate's default followed the region typed before it.
    expect(projenrc).toContain('arn:aws:acm:us-east-2:123456789012:certificate/00000000-0000-0000-0000-000000000000');
  });
});
