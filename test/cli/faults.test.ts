import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  BIN, cleanEnv, contentsOf, fakeBin, filesIn, isAlive, leftovers, requireBuiltCli, runCli, startCli, tempDir, waitUntil,
} from './util';

/**
 * The CLI under faults: signals at every step, runs at the same time, --force over a user's
 * files, commands missing. Real processes and real signals; a stand-in `npm` (a shell script
 * that records its pid and sleeps) where the real install is not the point.
 */
beforeAll(requireBuiltCli);

const OFFLINE = ['--no-install', '--no-git'];

let parent: string;
const cleanups: string[] = [];
beforeEach(() => { parent = tempDir('chs-faults-'); cleanups.push(parent); });
afterEach(() => {
  for (const dir of cleanups.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A stand-in npm that records its pid in `pidFile` and then runs `then` (by default: sleeps a minute). */
function slowNpm(pidFile: string, then = 'exec sleep 60'): NodeJS.ProcessEnv {
  const bin = fakeBin({ npm: `echo $$ > '${pidFile}'\n${then}` });
  cleanups.push(bin);
  return cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
}

const pidIn = (file: string) => Number(fs.readFileSync(file, 'utf-8').trim());
const hasPid = (file: string) => fs.existsSync(file) && fs.readFileSync(file, 'utf-8').trim() !== '';

describe('a signal during the install', () => {
  test.each([
    ['SIGINT (kill -INT to the CLI alone, not its group)', 'SIGINT', 130],
    ['SIGTERM', 'SIGTERM', 143],
    ['SIGHUP (the terminal closed)', 'SIGHUP', 129],
  ] as const)('%s: the install stops with the CLI, the files are kept, and it says how to finish', async (_, signal, code) => {
    const pidFile = path.join(parent, 'npm.pid');
    const cli = startCli(['app', '--yes', '--no-git'], { cwd: parent, env: slowNpm(pidFile) });
    await waitUntil(() => hasPid(pidFile), 'npm to start');
    cli.child.kill(signal);
    const result = await cli.done;
    expect(result.status).toBe(code);
    expect(result.stderr).toContain('Interrupted: the install did not complete.');
    expect(result.stderr).toContain(`The project files are in ${path.join(parent, 'app')} and were kept. To finish, run:\n  cd app && npm install && npx projen`);
    // No npm left running once the CLI has exited.
    expect(isAlive(pidIn(pidFile))).toBe(false);
    expect(fs.existsSync(path.join(parent, 'app', '.projenrc.ts'))).toBe(true);
    expect(leftovers(parent)).toEqual([]);
  });

  test('an install that ignores the signal is killed before the CLI exits', async () => {
    const pidFile = path.join(parent, 'npm.pid');
    const cli = startCli(['app', '--yes', '--no-git'], { cwd: parent, env: slowNpm(pidFile, 'trap "" INT TERM HUP\nsleep 60 & wait; sleep 60') });
    await waitUntil(() => hasPid(pidFile), 'npm to start');
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.status).toBe(143);
    expect(isAlive(pidIn(pidFile))).toBe(false);
  });

  test('SIGKILL to the CLI: the install does not outlive it', async () => {
    const pidFile = path.join(parent, 'npm.pid');
    const cli = startCli(['app', '--yes', '--no-git'], { cwd: parent, env: slowNpm(pidFile) });
    await waitUntil(() => hasPid(pidFile), 'npm to start');
    cli.child.kill('SIGKILL');
    await cli.done;
    // The guard sees the CLI go and kills the install's process group at once (not after npm's 60 s).
    await waitUntil(() => !isAlive(pidIn(pidFile)), 'the orphaned npm to be killed', 10_000);
  });
});

describe('a signal while generating', () => {
  /** Waits for the run's temporary directory beside the target, then signals. */
  async function signalWhileGenerating(signal: NodeJS.Signals) {
    const cli = startCli(['app', '--yes', ...OFFLINE], { cwd: parent });
    await waitUntil(() => leftovers(parent).length > 0, 'the temporary directory');
    cli.child.kill(signal);
    return cli.done;
  }

  test('SIGTERM: exit 143, the temporary directory removed, nothing written', async () => {
    const result = await signalWhileGenerating('SIGTERM');
    expect(result.status).toBe(143);
    expect(result.stderr).toContain('Cancelled: nothing was written.');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('SIGKILL leaves a temporary directory; the next run removes it', async () => {
    await signalWhileGenerating('SIGKILL');
    expect(leftovers(parent)).toHaveLength(1);
    const next = runCli(['app', '--yes', ...OFFLINE], { cwd: parent });
    expect(next.status).toBe(0);
    expect(fs.readdirSync(parent)).toEqual(['app']);
  });
});

test('a second Ctrl-C during the clean-up: the clean-up finishes, nothing left', async () => {
  const cli = startCli(['app', '--yes', ...OFFLINE], { cwd: parent });
  await waitUntil(() => leftovers(parent).length > 0, 'the temporary directory');
  cli.child.kill('SIGINT');
  cli.child.kill('SIGINT');
  const result = await cli.done;
  expect(result.status).toBe(130);
  expect(fs.readdirSync(parent)).toEqual([]);
});

test('SIGTERM at any moment of a run: the project is absent or complete, and nothing else is left', async () => {
  const reference = runCli(['ref', '--yes', ...OFFLINE], { cwd: parent });
  const count = Number(/Wrote (\d+) files/.exec(reference.stdout)![1]);
  for (const delay of [0, 40, 80, 120, 160, 200, 250, 300, 400, 500, 700]) {
    const dir = path.join(parent, `at-${delay}`);
    fs.mkdirSync(dir);
    const cli = startCli(['app', '--yes', ...OFFLINE], { cwd: dir });
    await new Promise((resolve) => setTimeout(resolve, delay));
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    // Killed before the CLI listens (node still starting), stopped by it (143), or already done (0).
    expect([0, 143, null]).toContain(result.status);
    const entries = fs.readdirSync(dir);
    expect(entries.filter((entry) => entry !== 'app')).toEqual([]);
    if (entries.includes('app')) expect(filesIn(path.join(dir, 'app'))).toHaveLength(count);
  }
});

describe('two runs at the same time', () => {
  test.each([1, 2, 3, 4])('into a parent that does not exist yet (try %i): one project, complete; the other run fails and removes nothing', async () => {
    const target = path.join(parent, 'new', 'deeper', 'app');
    const runs = [startCli([target, '--yes', ...OFFLINE], { cwd: parent }), startCli([target, '--yes', ...OFFLINE], { cwd: parent })];
    const results = await Promise.all(runs.map((run) => run.done));
    const winners = results.filter((result) => result.status === 0);
    expect(winners).toHaveLength(1);
    const loser = results.find((result) => result.status !== 0)!;
    // Either it lost the final rename (1), or it saw the winner's project when it checked (2).
    expect([1, 2]).toContain(loser.status);
    expect(loser.stderr).not.toMatch(/^\s+at /m);
    const wrote = Number(/Wrote (\d+) files/.exec(winners[0].stdout)![1]);
    expect(filesIn(target)).toHaveLength(wrote);
    expect(fs.existsSync(path.join(target, '.projenrc.ts'))).toBe(true);
    expect(leftovers(path.dirname(target))).toEqual([]);
  });
});

describe('--force keeps every file of the user', () => {
  let target: string;
  const mine = {
    'README.md': 'my readme, edited and not committed',
    'src/main.ts': 'export const mine = 1;\n',
    'package.json': '{ "name": "mine" }\n',
    '.gitignore': '.env\nsecrets/\n',
    '.env': 'PASSWORD=hunter2\n',
    'secrets/key.pem': '-----BEGIN PRIVATE KEY-----\n',
    'notes.txt': 'not ignored, not ours\n',
  };
  beforeEach(() => {
    target = path.join(parent, 'app');
    for (const [file, text] of Object.entries(mine)) {
      fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
      fs.writeFileSync(path.join(target, file), text);
    }
  });

  test('files that differ are kept and listed, .gitignore gets our entries appended, nothing left over', () => {
    const inodes = Object.keys(mine).filter((file) => file !== '.gitignore').map((file) => fs.statSync(path.join(target, file)).ino);
    const result = runCli(['app', '--yes', '--force', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(0);
    // The user's files were never moved aside and back: a kill at any moment cannot lose them.
    expect(Object.keys(mine).filter((file) => file !== '.gitignore').map((file) => fs.statSync(path.join(target, file)).ino)).toEqual(inodes);
    const after = contentsOf(target);
    for (const [file, text] of Object.entries(mine)) {
      if (file === '.gitignore') expect(after[file].startsWith(text)).toBe(true);
      else expect(after[file]).toBe(text);
    }
    expect(after['.gitignore']).toContain('\n# Added by create-hybrid-serverless: what the project needs ignored\n');
    expect(after['.gitignore']).toContain('\nnode_modules/\n');
    expect(result.stdout).toContain('Kept 4 of your files, which differ from what the project has (yours are unchanged):\n' +
      '  .gitignore (the entries the project needs were added at its end)\n  README.md\n  package.json\n  src/main.ts\n');
    expect(after['.projenrc.ts']).toContain('Topology.ALB_LAMBDA');
    expect(fs.readdirSync(parent)).toEqual(['app']);
  });

  test('without .git: the commit holds only the files this run created, never the user\'s .env or keys', () => {
    const home = tempDir();
    cleanups.push(home);
    const env = cleanEnv({ HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig') });
    const result = runCli(['app', '--yes', '--force', '--no-install'], { cwd: parent, env });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Created a git repository with one commit of the files this run created.');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: target, encoding: 'utf-8', env }).stdout.trim();
    const committed = git('ls-files').split('\n');
    for (const file of Object.keys(mine)) expect(committed).not.toContain(file);
    expect(committed).toContain('.projenrc.ts');
    // Everything committed is a file the project has, as generated.
    const fresh = tempDir();
    cleanups.push(fresh);
    runCli(['app', '--yes', ...OFFLINE], { cwd: fresh });
    const generated = contentsOf(path.join(fresh, 'app'));
    for (const file of committed) expect(fs.readFileSync(path.join(target, file), 'utf-8')).toBe(generated[file]);
  });

  test('with the install and git: the user\'s own lockfile is not committed', async () => {
    fs.writeFileSync(path.join(target, 'package-lock.json'), '{ "mine": true }\n');
    const home = tempDir();
    const bin = fakeBin({ npm: 'echo \'{ "updated": true }\' > package-lock.json' });
    cleanups.push(home, bin);
    const env = cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig') });
    const result = await startCli(['app', '--yes', '--force'], { cwd: parent, env }).done;
    expect(result.status).toBe(0);
    const committed = spawnSync('git', ['ls-files'], { cwd: target, encoding: 'utf-8', env }).stdout.split('\n');
    expect(committed).toContain('.projenrc.ts');
    expect(committed).not.toContain('package-lock.json');
  });

  test('with the install: projen is not run, so the user\'s frontend/dist is kept', async () => {
    fs.mkdirSync(path.join(target, 'frontend', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(target, 'frontend', 'dist', 'index.html'), 'my build');
    const ran = path.join(parent, 'ran.txt');
    const bin = fakeBin({ npm: `echo "npm $*" >> '${ran}'`, npx: `echo "npx $*" >> '${ran}'` });
    cleanups.push(bin);
    const cli = startCli(['app', '--yes', '--force', '--no-git'], { cwd: parent, env: cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` }) });
    const result = await cli.done;
    expect(result.status).toBe(0);
    expect(fs.readFileSync(ran, 'utf-8')).toBe('npm install\n');
    expect(result.stdout).toContain('"npx projen" was not run, as it rewrites the files it manages');
    expect(fs.readFileSync(path.join(target, 'frontend', 'dist', 'index.html'), 'utf-8')).toBe('my build');
  });
});

describe('commands that are missing', () => {
  test('no npm on the PATH: exit 1, the files kept, and it says to install Node.js with npm', async () => {
    const bin = fakeBin({});
    cleanups.push(bin);
    const result = await startCli(['app', '--yes', '--no-git'], { cwd: parent, env: cleanEnv({ PATH: bin }) }).done;
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"npm install" could not run: npm was not found on the PATH. Install Node.js with npm (https://nodejs.org), then finish below.');
    expect(result.stderr).toContain('To finish, run:\n  cd app && npm install && npx projen');
    expect(fs.existsSync(path.join(parent, 'app', '.projenrc.ts'))).toBe(true);
  });
});

test('no git on the PATH: done without a repository, saying how to make one', () => {
  const bin = fakeBin({});
  cleanups.push(bin);
  const result = runCli(['app', '--yes', '--no-install'], { cwd: parent, env: cleanEnv({ PATH: bin }) });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Note: git was not found on the PATH, so no repository was created. Install git, then run:\n' +
    '  cd app && git init && git add -A && git commit -m "chore: scaffold with create-hybrid-serverless"');
});

describe('names and targets', () => {
  test('a 244-character directory name below a missing parent: created, no stack trace, nothing else left', () => {
    const name = 'a'.repeat(244);
    const result = runCli([`deep/${name}`, '--yes', ...OFFLINE], { cwd: parent });
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(parent, 'deep'))).toEqual([name]);
  });

  test('a name longer than a file system takes: exit 2, said plainly, no parent created', () => {
    const result = runCli([`deep/${'a'.repeat(300)}`, '--yes', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is 300 bytes long; a file name can have at most 255. Choose a shorter name.');
    expect(result.stderr.length).toBeLessThan(1000);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('a dangling symbolic link as the target: exit 2 before anything is written', () => {
    fs.symlinkSync(path.join(parent, 'gone'), path.join(parent, 'app'));
    const result = runCli(['app', '--yes', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is a symbolic link to');
    expect(result.stderr).toContain('which does not exist; remove the link or choose another directory.');
    expect(fs.readdirSync(parent)).toEqual(['app']);
  });
});

test('output into a pipe closed early (… | head -1): no crash, the project still written whole', () => {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} app --yes --no-install --no-git | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
  const result = spawnSync('bash', ['-c', command], { cwd: parent, env: cleanEnv(), encoding: 'utf-8' });
  expect(result.stdout).toBe(`Creating app in ${path.join(parent, 'app')} (ALB straight to Lambda, API only, "app.internal.example.com")\n`);
  expect(result.stderr).toBe('status=0\n');
  expect(fs.existsSync(path.join(parent, 'app', '.projenrc.ts'))).toBe(true);
  expect(leftovers(parent)).toEqual([]);
});

describe('hostile answers files: bounded, exit 2, short messages', () => {
  const answersRun = (file: string) => runCli(['app', '--answers', file, ...OFFLINE], { cwd: parent });

  test('a 50 MB answer is refused without being echoed back', () => {
    fs.writeFileSync(path.join(parent, 'a.json'), JSON.stringify({ domain: 'x'.repeat(50 * 1024 * 1024) }));
    const result = answersRun('a.json');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"a.json" is larger than 64 KiB');
    expect(result.stderr.length).toBeLessThan(1000);
  });

  test('a long value within a small file is refused, cut short in the message', () => {
    fs.writeFileSync(path.join(parent, 'a.json'), JSON.stringify({ domain: 'x'.repeat(20_000) }));
    const result = answersRun('a.json');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('(20000 characters) is too long; at most 1000 characters.');
    expect(result.stderr.length).toBeLessThan(1000);
  });

  test('deeply nested JSON: exit 2, no stack overflow', () => {
    fs.writeFileSync(path.join(parent, 'a.json'), `{"domain": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
    const result = answersRun('a.json');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nests values more than 8 levels deep');
    expect(result.stderr).not.toContain('call stack');
  });

  test('/dev/zero: read only up to the limit, exit 2', () => {
    const result = answersRun('/dev/zero');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"/dev/zero" is larger than 64 KiB');
  });

  test('a huge flag value is refused without being echoed back', () => {
    const result = runCli(['app', '--yes', '--domain', 'd'.repeat(100_000), ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('(100000 characters) is too long; at most 1000 characters.');
    expect(result.stderr.length).toBeLessThan(1000);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});
