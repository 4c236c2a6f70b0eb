import * as fs from 'fs';
import * as path from 'path';
import { repack } from './registry';
import { freshDir, ok, packTarball, ROOT } from './util';

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

// create-hybrid-serverless/runtime as generated repos use it: installed from the tarball, imported by the team's
// TypeScript and bundled by esbuild as the bundle task does. The bundle takes its ES module (lib/runtime/index.mjs)
// and with it hono's ES build, the one the team's own `import … from 'hono'` gets: one Hono, so an HTTPException
// thrown by a route is the runtime's HTTPException. Jest and Node take its CommonJS build.
describe('the packed runtime', () => {
  const tarball = packTarball();
  const app = freshDir('chs-e2e-runtime-');
  const modules = path.join(app, 'node_modules');
  beforeAll(() => {
    fs.mkdirSync(path.join(modules, 'create-hybrid-serverless'), { recursive: true });
    ok('tar', ['-xzf', tarball, '-C', path.join(modules, 'create-hybrid-serverless'), '--strip-components=1'], app);
    // What a generated repo installs beside it, from this package's own node_modules (the same versions).
    for (const name of ['hono', 'zod', '@hono', '@aws-lambda-powertools', '@aws']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
    }
    fs.writeFileSync(path.join(app, 'api.ts'), [
      "import { zValidator } from '@hono/zod-validator';",
      "import { HTTPException } from 'hono/http-exception';",
      "import * as z from 'zod/mini';",
      "import { createApp, rejectInvalid, toLambdaHandler } from 'create-hybrid-serverless/runtime';",
      'export const handler = toLambdaHandler(createApp()',
      "  .get('/api/hello', zValidator('query', z.object({ name: z.string() }), rejectInvalid), (c) => c.json({ hello: c.req.valid('query').name }))",
      "  .get('/api/teapot', () => { throw new HTTPException(418, { message: 'short and stout' }); }));",
      '',
    ].join('\n'));
  });

  test('is bundled from its ES module, with one copy of Hono and nothing of the test helpers', () => {
    const esbuild = path.join(ROOT, 'node_modules', '.bin', 'esbuild');
    ok(esbuild, ['--bundle', 'api.ts', '--target=node24', '--platform=node', '--outfile=index.js', '--metafile=meta.json', '--log-level=warning'], app);
    const inputs = Object.keys(JSON.parse(fs.readFileSync(path.join(app, 'meta.json'), 'utf-8')).inputs);
    expect(inputs).toContain('node_modules/create-hybrid-serverless/lib/runtime/index.mjs');
    expect(inputs.filter((input) => /create-hybrid-serverless\/lib\/(?!runtime\/index\.mjs)/.test(input))).toEqual([]);
    expect(inputs.filter((input) => input.includes('hono/dist/cjs'))).toEqual([]);
    const script = 'const { handler } = require("./index.js"); const call = (path, query = {}) => handler({ requestContext: { elb: {} }, '
      + 'httpMethod: "GET", path, multiValueQueryStringParameters: query, multiValueHeaders: {}, body: "", isBase64Encoded: false }); '
      + 'Promise.all([call("/api/hello", { name: ["Ada"] }), call("/api/teapot")]).then((results) => console.log(JSON.stringify(results.map((r) => [r.statusCode, JSON.parse(r.body)]))));';
    expect(JSON.parse(ok('node', ['-e', script], app, { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' } })))
      .toEqual([[200, { hello: 'Ada' }], [418, { error: 'short and stout' }]]);
  });

  test('is CommonJS for Node and Jest, and so are the test helpers', () => {
    const script = 'const runtime = require("create-hybrid-serverless/runtime"); const testing = require("create-hybrid-serverless/testing"); '
      + 'console.log([typeof runtime.createApp, typeof runtime.toLambdaHandler, typeof testing.LocalSignIn, typeof testing.albEvent].join(" "));';
    expect(ok('node', ['-e', script], app).trim()).toBe('function function function function');
  });
});
