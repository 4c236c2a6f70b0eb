// scripts/build-runtime.js builds create-hybrid-serverless/runtime as an ES module for the Lambda bundle; what
// would put more than the runtime into every function fails the compile, naming it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { problemsOf } = require('../scripts/build-runtime.js') as { problemsOf: (metafile: object) => string[] };

const output = (imports: string[]) => ({ 'lib/runtime/index.mjs': { imports: imports.map((path) => ({ path, kind: 'import-statement', external: true })) } });

test('the runtime may import Node, Hono and the Powertools logger and metrics', () => {
  const metafile = {
    inputs: { 'src/runtime/index.ts': {}, 'src/runtime/http.ts': {} },
    outputs: output(['node:http', 'node:crypto', 'hono', 'hono/aws-lambda', '@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics']),
  };
  expect(problemsOf(metafile)).toEqual([]);
});

test('a dependency the repo does not install, or a file from outside src/runtime, fails the build', () => {
  const metafile = {
    inputs: { 'src/runtime/index.ts': {}, 'src/testing/sign-in.ts': {} },
    outputs: output(['hono', 'jose', 'esbuild']),
  };
  expect(problemsOf(metafile)).toEqual([
    'bundles src/testing/sign-in.ts: only src/runtime/ belongs in the Lambda runtime',
    'imports jose, which a generated repo\'s handler does not install',
    'imports esbuild, which a generated repo\'s handler does not install',
  ]);
});
