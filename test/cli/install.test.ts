import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './util';
import { COMMIT_MESSAGE, commandsFor, initGit, packageManagerFrom, pkgFromUserAgent } from '../../src/cli/install';
import { cdCommand, finishCommand, nextSteps } from '../../src/cli/next-steps';
import { withDefaults } from '../../src/settings';

test.each([
  [undefined, undefined, 'npm'],
  ['', undefined, 'npm'],
  ['npm/10.8.2 node/v20.20.2 linux x64 workspaces/false', { name: 'npm', version: '10.8.2' }, 'npm'],
  ['pnpm/9.1.0 npm/? node/v20.11.0 linux x64', { name: 'pnpm', version: '9.1.0' }, 'pnpm'],
  ['yarn/1.22.22 npm/? node/v20.11.0 darwin arm64', { name: 'yarn', version: '1.22.22' }, 'yarn'],
  ['bun/1.1.0 npm/? node/v21.6.0 linux x64', { name: 'bun', version: '1.1.0' }, 'npm'],
])('pkgFromUserAgent(%j)', (userAgent, info, pm) => {
  expect(pkgFromUserAgent(userAgent)).toEqual(info);
  expect(packageManagerFrom(userAgent)).toBe(pm);
});

test('commands per package manager', () => {
  expect(commandsFor('npm').install).toEqual(['npm', 'install']);
  expect(commandsFor('npm').exec('projen', 'build')).toEqual(['npx', 'projen', 'build']);
  expect(commandsFor('pnpm').exec('cdk', 'deploy')).toEqual(['pnpm', 'exec', 'cdk', 'deploy']);
  expect(commandsFor('yarn').exec('projen')).toEqual(['yarn', 'projen']);
});

test('cd commands are relative when below, quoted when needed, absent for the current directory', () => {
  expect(cdCommand('/w/app', '/w')).toBe('cd app');
  expect(cdCommand('/w/My App', '/w')).toBe('cd \'My App\'');
  expect(cdCommand('/elsewhere/app', '/w')).toBe('cd /elsewhere/app');
  expect(cdCommand('/w', '/w')).toBeUndefined();
  expect(finishCommand('/w/app', '/w', 'pnpm')).toBe('cd app && pnpm install && pnpm exec projen');
  expect(finishCommand('/w', '/w', 'npm')).toBe('npm install && npx projen');
});

describe('nextSteps', () => {
  test('with the package manager used, and every placeholder left', () => {
    const text = nextSteps({ targetPath: '/w/app', cwd: '/w', pm: 'yarn', installed: false, settings: withDefaults({}) });
    expect(text).toContain('  cd app\n  yarn install && yarn projen\n  yarn projen build\n  yarn projen deploy:dev');
    for (const key of ['hostedZoneId', 'certificateArn', 'vpcId', 'subnetIds', 'account']) expect(text).toContain(key);
    expect(text).toContain('Set them in .projenrc.ts, then run yarn projen');
  });

  test('installed, and nothing left to replace', () => {
    const settings = withDefaults({
      domain: 'orders.corp.example.com',
      hostedZoneId: 'ZREAL123',
      account: '111122223333',
      certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
      vpcId: 'vpc-11112222',
      subnetIds: ['subnet-11112222', 'subnet-33334444'],
    });
    const text = nextSteps({ targetPath: '/w/app', cwd: '/w', pm: 'npm', installed: true, settings });
    expect(text).toContain('  cd app\n  npx projen build\n  npx projen deploy:dev');
    expect(text).not.toContain('placeholder');
  });
});

describe('initGit', () => {
  let dir: string;
  let home: string;
  const env = { ...process.env };
  beforeEach(() => {
    dir = tempDir();
    home = tempDir();
    // No user configuration at all: the fallbacks must make the commit work.
    process.env.HOME = home;
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    process.env.GIT_CONFIG_GLOBAL = path.join(home, 'gitconfig');
    delete process.env.GIT_AUTHOR_NAME;
    delete process.env.GIT_AUTHOR_EMAIL;
    delete process.env.GIT_COMMITTER_NAME;
    delete process.env.GIT_COMMITTER_EMAIL;
    delete process.env.EMAIL;
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('one commit on main, with a fallback author', async () => {
    fs.writeFileSync(path.join(dir, 'README.md'), 'hi');
    expect(await initGit(dir)).toEqual({ done: true });
    const log = spawnSync('git', ['log', '--format=%s|%an|%D'], { cwd: dir, encoding: 'utf-8' }).stdout.trim();
    expect(log).toBe(`${COMMIT_MESSAGE}|create-hybrid-serverless|HEAD -> main`);
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf-8' }).stdout).toBe('');
  });

  test('the configured author is kept', async () => {
    fs.writeFileSync(process.env.GIT_CONFIG_GLOBAL!, '[user]\n\tname = Ada\n\temail = ada@example.com\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'hi');
    expect(await initGit(dir)).toEqual({ done: true });
    expect(spawnSync('git', ['log', '--format=%an <%ae>'], { cwd: dir, encoding: 'utf-8' }).stdout.trim()).toBe('Ada <ada@example.com>');
  });

  test('skipped inside an existing work tree', async () => {
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const sub = path.join(dir, 'app');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'README.md'), 'hi');
    expect(await initGit(sub)).toEqual({ done: false, note: expect.stringContaining('already inside a git work tree') });
    expect(fs.existsSync(path.join(sub, '.git'))).toBe(false);
  });

  test('skipped when git is missing', async () => {
    process.env.PATH = home;
    expect(await initGit(dir)).toEqual({ done: false, note: 'git was not found on the PATH, so no repository was created.', missing: true });
  });
});

test('the default domain is reported as a placeholder in the next steps', () => {
  const text = nextSteps({ targetPath: '/w/app', cwd: '/w', pm: 'npm', installed: true, settings: withDefaults({}) });
  expect(text).toMatch(/replace these placeholders[\s\S]*\n {2}domain +Host name users will type/);
});
