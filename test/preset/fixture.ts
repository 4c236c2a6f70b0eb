import * as fs from 'fs';
import * as path from 'path';
import { freshDir } from '../util';

export const ROOT = path.resolve(__dirname, '..', '..');

/** What the test presets hold: the company's network and landing zone locked, the region a default. */
export const ACME = {
  defaults: { region: 'eu-central-1', domain: 'app.corp.acme.example' },
  locked: {
    corporateCidrs: ['10.40.0.0/14'],
    permissionsBoundary: 'acme-boundary',
    tags: { CostCenter: 'platform' },
    nagPacks: ['NIST80053R5Checks'],
  },
};

/**
 * A preset package in a directory of its own, as a platform team writes it: package.json (its name, version and the
 * create-hybrid-serverless range it is written for) and index.js, which calls definePreset.
 */
export function presetPackage(options: { name?: string; version?: string; range?: string; body?: string; preset?: unknown } = {}): string {
  const dir = freshDir('chs-preset-pkg-');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: options.name ?? '@acme/hybrid-preset',
    version: options.version ?? '1.0.0',
    main: 'index.js',
    peerDependencies: { 'create-hybrid-serverless': options.range ?? '*' },
  }, undefined, 2));
  fs.writeFileSync(path.join(dir, 'index.js'), options.body ??
    `const { definePreset } = require('create-hybrid-serverless/preset');\nmodule.exports = definePreset(${JSON.stringify(options.preset ?? ACME, undefined, 2)});\n`);
  return dir;
}

/** A repo directory with the preset installed in its node_modules, and this package beside it (as npm install leaves them). */
export function repoWithPreset(pkg: string, name = '@acme/hybrid-preset'): string {
  const repo = freshDir('chs-preset-repo-');
  const modules = path.join(repo, 'node_modules');
  fs.mkdirSync(path.join(modules, path.dirname(name)), { recursive: true });
  fs.cpSync(pkg, path.join(modules, name), { recursive: true });
  fs.symlinkSync(ROOT, path.join(modules, 'create-hybrid-serverless'));
  return repo;
}
