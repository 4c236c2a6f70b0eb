import * as fs from 'fs';
import * as path from 'path';
import { repack } from './registry';
import { freshDir, ok, packTarball } from './util';

// The CLI runs as two bundled files, lib/cli.bundle.js and, to generate, lib/cli-generate.bundle.js
// (scripts/bundle-cli.js). What a bundle would
// bake in at build time must still be read from the installed package at run time: its version
// (a release is the same files with another version) and the precompiled templates.
describe('the packed CLI is the bundle', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-bundle-');
  const SENTENCE = 'The settings this app was generated with.';
  const VERSION = '77.0.0-bundle';
  const cli = (file: string, args: string[]) =>
    ok('npm', ['exec', '--yes', `--package=${file}`, '--', 'create-hybrid-serverless', ...args], parent);

  test('the tarball has the bundle, and its bin runs it', () => {
    const files = ok('tar', ['-tzf', tarball], parent).split('\n');
    expect(files).toContain('package/lib/cli.bundle.js');
    // What only generating needs, loaded by the first when it generates.
    expect(files).toContain('package/lib/cli-generate.bundle.js');
    expect(files).toContain('package/bin/create-hybrid-serverless');
    const bin = ok('tar', ['-xzOf', tarball, 'package/bin/create-hybrid-serverless'], parent);
    expect(bin).toContain("require('../lib/cli.bundle.js')");
  });

  test('without the unbundled CLI, it reports the installed version and writes the installed templates', () => {
    const release = repack(tarball, VERSION, (js) => js.replace(SENTENCE, 'The settings of a repacked release.'),
      ['lib/cli', 'lib/generate.js', 'lib/project.js']);
    expect(cli(release, ['--version']).trim()).toBe(VERSION);
    expect(cli(release, ['--help'])).toContain(VERSION);
    cli(release, ['repacked-app', '--yes', '--no-install', '--no-git']);
    const repo = path.join(parent, 'repacked-app');
    expect(fs.readFileSync(path.join(repo, 'src/hybrid/config.ts'), 'utf-8')).toContain('The settings of a repacked release.');
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).devDependencies['create-hybrid-serverless'])
      .toBe(`^${VERSION}`);
  });
});
