import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freePort, freshDir, ok, ROOT } from './util';

/** A real npm registry (verdaccio) on 127.0.0.1: this package and the @acme scope published to it, everything else proxied. */
export interface LocalRegistry {
  readonly url: string;
  /** npm settings that point at it, as environment variables, with a publish token. */
  readonly env: Record<string, string>;
  stop(): void;
}

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = freshDir('chs-registry-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  fs.writeFileSync(path.join(dir, 'config.yaml'), [
    `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    'uplinks:',
    '  npmjs:',
    '    url: https://registry.npmjs.org/',
    '    timeout: 60s',
    'packages:',
    '  create-hybrid-serverless:',
    '    access: $all',
    '    publish: $authenticated',
    // A platform team's company preset (preset.test.ts), published here only.
    "  '@acme/*':",
    '    access: $all',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    proxy: npmjs',
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n'));
  const server: ChildProcess = spawn(process.execPath,
    [path.join(ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { stdio: 'ignore' });
  const stop = () => { server.kill(); };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}-/ping`)).ok) break;
      } catch { /* not listening yet */ }
      if (i > 300) throw new Error('verdaccio did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A user for publishing, as `npm adduser` would create it.
    const user = await fetch(`${url}-/user/org.couchdb.user:tester`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tester', password: 'tester-password-1' }),
    });
    const { token } = await user.json() as { token: string };
    return {
      url,
      env: { npm_config_registry: url, [`npm_config_//127.0.0.1:${port}/:_authToken`]: token },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * A copy of a packed tarball as another version, with `edit` applied to its precompiled
 * templates: a release of this package with changed managed files. `remove`: paths in the
 * package to leave out; `change`: anything else to change in the unpacked package (its directory).
 */
export function repack(tarball: string, version: string, edit: (templatesJs: string) => string, remove: readonly string[] = [],
  change?: (pkg: string) => void): string {
  const dir = freshDir('chs-repack-');
  ok('tar', ['-xzf', tarball, '-C', dir], dir);
  const pkg = path.join(dir, 'package');
  for (const file of remove) fs.rmSync(path.join(pkg, file), { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf-8'));
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ ...manifest, version }, undefined, 2));
  const templates = path.join(pkg, 'lib', 'templates.js');
  fs.writeFileSync(templates, edit(fs.readFileSync(templates, 'utf-8')));
  change?.(pkg);
  ok('npm', ['pack', '--pack-destination', dir], pkg);
  return path.join(dir, `create-hybrid-serverless-${version}.tgz`);
}
