import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { freshDir, gitStatus, ok, packTarball, ROOT } from './util';

describe('projen new --from create-hybrid-serverless', () => {
  const tarball = packTarball();
  const repo = freshDir('chs-e2e-new-');
  const projenVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'projen', 'package.json'), 'utf-8')).version;

  test('creates a project with a .projenrc.ts that builds green', () => {
    // A person runs `projen new` at a terminal: under CI=true projen would install with `npm ci`,
    // which needs the lockfile that this very command creates.
    ok('npx', ['--yes', `projen@${projenVersion}`, 'new', '--from', `create-hybrid-serverless@file:${tarball}`, '--no-git'],
      repo, { env: { CI: '' } });
    const projenrc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain("import { HybridServerlessApp } from 'create-hybrid-serverless';");
    expect(projenrc).toContain('new HybridServerlessApp({');
    // The settings are listed for the team to fill in.
    expect(projenrc).toMatch(/\/\/ topology: .*How requests reach the handlers/);
    ok('git', ['init', '-q'], repo);
    ok('git', ['add', '-A'], repo);
    ok('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'new'], repo);

    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(gitStatus(repo)).toBe('');
    const stack = path.basename(repo).split(/[^a-zA-Z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('');
    expect(unacceptedCfnLintFindings(path.join(repo, 'cdk.out', `${stack}.template.json`))).toEqual([]);
  });
});
