#!/usr/bin/env node
// Part of `npx projen compile`: `create-hybrid-serverless/runtime` as an ES module, lib/runtime/index.mjs,
// beside jsii's CommonJS (lib/runtime/*.js, which Jest and Node load). A generated repo's Lambda bundle
// (esbuild, from TypeScript `import`s) takes this file through the `import` condition of package.json's
// `exports`, so it imports hono's ES build, the same copy as the team's own `import { … } from 'hono'`
// (from CommonJS it would get hono's CommonJS build beside it: two Honos, and `instanceof HTTPException`
// false across them), and esbuild can drop what the handler does not use. The runtime's dependencies stay
// imports (the repo installs them); anything else it would pull in fails the compile.
//   node scripts/build-runtime.js
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'src', 'runtime', 'index.ts');
const OUTFILE = path.join(ROOT, 'lib', 'runtime', 'index.mjs');

/** What the runtime may import: Node's own modules, Hono and the Powertools logger and metrics. */
const ALLOWED = [/^node:/, /^hono(\/|$)/, /^@aws-lambda-powertools\/(logger|metrics)$/];

/**
 * What is wrong with the built module, from esbuild's metafile (paths relative to the package root):
 * a file from outside src/runtime/ in it, or an import a generated repo's handler does not install.
 */
function problemsOf(metafile) {
  const problems = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('src/runtime/')) problems.push(`bundles ${input}: only src/runtime/ belongs in the Lambda runtime`);
  }
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: name } of output.imports) {
      if (!ALLOWED.some((pattern) => pattern.test(name))) problems.push(`imports ${name}, which a generated repo's handler does not install`);
    }
  }
  return problems;
}

async function main() {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The generated repo installs them: its bundle takes them from its own node_modules.
    packages: 'external',
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    banner: { js: '// create-hybrid-serverless/runtime as an ES module, built from src/runtime by scripts/build-runtime.js.' },
  });
  const problems = [...result.warnings.map((warning) => warning.text), ...problemsOf(result.metafile)];
  if (problems.length > 0) throw new Error(`lib/runtime/index.mjs:\n${problems.join('\n')}`);
  const [output] = Object.values(result.metafile.outputs);
  console.log(`built lib/runtime/index.mjs from ${Object.keys(result.metafile.inputs).length} modules (${(output.bytes / 1024).toFixed(1)} KB)`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exitCode = 1;
  });
}
module.exports = { problemsOf };
