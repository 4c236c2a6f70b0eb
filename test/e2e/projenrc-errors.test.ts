import * as fs from 'fs';
import * as path from 'path';
import { createFromTarball, freshDir, gitStatus, ok, packTarball, run } from './util';

// `npx projen` runs .projenrc.ts transpile-only (it is most of every re-synthesis otherwise):
// the errors the type-checker gave a team must still reach it. Options of the wrong name or type
// fail `npx projen` with a message naming them, before any file is written (any other type error
// in .projenrc.ts fails the build's typecheck task: alb-lambda.test.ts, "turns red on a type error").
describe('errors in .projenrc.ts of a generated repo', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-projenrc-');
  const repo = path.join(parent, 'checked-app');
  const projenrc = path.join(repo, '.projenrc.ts');
  let original: string;
  const edit = (change: (source: string) => string) => fs.writeFileSync(projenrc, change(original));

  beforeAll(() => {
    createFromTarball(tarball, parent, ['checked-app', '--yes', '--topology', 'alb-lambda', '--no-frontend']);
    original = fs.readFileSync(projenrc, 'utf-8');
  });

  test('a misspelt option and a value of the wrong type fail `npx projen`, named, with nothing written', () => {
    edit((source) => source.replace('new HybridServerlessApp({', "new HybridServerlessApp({\n  domian: 'orders.corp.example.com',\n  cdkVersion: 2,"));
    const result = run('npx', ['projen'], repo);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Invalid HybridServerlessApp options in .projenrc.ts:');
    expect(result.output).toContain('- domian: unknown option. Did you mean "domain"?');
    expect(result.output).toContain('- cdkVersion: 2 must be a string.');
    expect(gitStatus(repo)).toBe(' M .projenrc.ts');
    // Put right, it synthesizes to the same files.
    fs.writeFileSync(projenrc, original);
    ok('npx', ['projen'], repo);
    expect(gitStatus(repo)).toBe('');
  });
});
