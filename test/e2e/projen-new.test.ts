import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { anySharedInstall, commit, freshDir, gitStatus, linkModules, ok, packTarball, ROOT, templateOf } from './util';

describe('projen new --from create-hybrid-serverless', () => {
  const tarball = packTarball();
  const repo = freshDir('chs-e2e-new-');
  const projenVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf-8')).version;

  test('creates a project with a .projenrc.ts that builds green', () => {
    // The installed tree of the run's other generated repos, where there is one: projen's `npm install` then settles
    // it (seconds) instead of extracting every package (what the CLI's own install does is alb-lambda.test.ts's).
    const installed = anySharedInstall();
    if (installed) linkModules(installed, repo);
    // A person runs `projen new` at a terminal: under CI=true projen would install with `npm ci`,
    // which needs the lockfile that this very command creates.
    ok('npx', ['--yes', `projen@${projenVersion}`, 'new', '--from', `create-hybrid-serverless@file:${tarball}`, '--no-git'],
      repo, { env: { CI: '' } });
    const projenrcFile = path.join(repo, '.projenrc.ts');
    const projenrc = fs.readFileSync(projenrcFile, 'utf-8');
    expect(projenrc).toContain("import { HybridServerlessApp, Topology } from 'create-hybrid-serverless';");
    expect(projenrc).toContain('new HybridServerlessApp({');
    // The settings are listed for the team to fill in, and each compiles once uncommented: the
    // build below runs .projenrc.ts with every one of them.
    expect(projenrc).toMatch(/\/\/ topology: .*How requests reach the handlers/);
    const commented = /^(\s*)\/\/ (\w+: .*?,)\s*\/\*.*\*\/$/gm;
    expect([...projenrc.matchAll(commented)].map((match) => match[2].split(':')[0])).toEqual(expect.arrayContaining(
      ['account', 'certificateArn', 'corporateCidrs', 'domain', 'frontend', 'hostedZoneId', 'production', 'region', 'subnetIds', 'topology', 'vpcId']));
    fs.writeFileSync(projenrcFile, projenrc.replace(commented, '$1$2'));
    expect(fs.readFileSync(projenrcFile, 'utf-8')).not.toMatch(/^\s*\/\/ \w+:/m);
    ok('git', ['init', '-q'], repo);
    commit(repo, 'new');

    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // The build's eslint --fix writes the uncommented settings in the repo's style (quotes); nothing else changes.
    expect(gitStatus(repo).split('\n').filter((line) => line && line !== ' M .projenrc.ts')).toEqual([]);
    const stack = path.basename(repo).split(/[^a-zA-Z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
    expect(unacceptedCfnLintFindings(templateOf(repo, 'dev', stack))).toEqual([]);
  });
});
