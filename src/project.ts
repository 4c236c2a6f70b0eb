import { awscdk, javascript, SampleReadme } from 'projen';
import { OneProgramCheck } from './components/check';
import { DevLoop } from './components/dev';
import { Docs } from './components/docs';
import { Environments } from './components/environments';
import { Frontend } from './components/frontend';
import { ApiHandlers, HANDLER_DEPS } from './components/handlers';
import { Infrastructure } from './components/infrastructure';
import { ProjenrcImports } from './components/projenrc-imports';
import { AppTests } from './components/tests';
import { templateContext } from './context';
import { featureFlags } from './feature-flags';
import { optionProblems } from './option-types';
import { HybridServerlessAppOptions, Topology } from './options';
import { isPresetPath, loadPreset } from './preset/load';
import { InvalidSettingsError, resolveSettings } from './settings';
import { IN_BUILD_ENV, NOT_IN_BUILD } from './tasks';
import { raisedDependencies, TestedDependencies, testedVersion } from './tested-set';
import { FollowInstalledVersion, PACKAGE_NAME } from './upgrade';

export { PACKAGE_NAME } from './upgrade';

/** The AWS CDK version generated repos start on: the tested set's (see src/tested-set.ts). */
export const DEFAULT_CDK_VERSION = testedVersion('aws-cdk-lib')!;

/**
 * A serverless app reachable only from the corporate network: an internal Application Load
 * Balancer in an existing VPC, in front of Lambda handlers (directly, or through a private
 * API Gateway REST API and its `execute-api` VPC endpoint), with an optional single-page app
 * under the same host name.
 *
 * The infrastructure, the typed config and the compliance tests are managed: every
 * `npx projen` regenerates them from the options. The CDK app entry, the stack, the
 * handlers, their tests and the README are written once and belong to the team.
 *
 * @pjid hybrid-serverless
 */
export class HybridServerlessApp extends awscdk.AwsCdkTypeScriptApp {
  /** How requests reach the handlers. */
  public readonly topology: Topology;
  /** Whether a single-page app is served next to the API. */
  public readonly frontend: boolean;
  /** The host name users type. */
  public readonly domain: string;

  constructor(options: HybridServerlessAppOptions) {
    // Hand edits of .projenrc.ts get the same checks as the CLI's answers; .projenrc.ts runs
    // transpile-only, so misspelt options and values of the wrong type are reported here too.
    const typeProblems = optionProblems(options);
    if (typeProblems.length > 0) throw new InvalidSettingsError(typeProblems, 'Invalid HybridServerlessApp options in .projenrc.ts');
    // A company preset's values lie under .projenrc.ts's: its defaults where .projenrc.ts sets nothing, its locked values fixed.
    const preset = options.preset === undefined ? undefined : loadPreset(options.preset, options.outdir ?? process.cwd());
    const { settings, environments, switchedOffChecks } = resolveSettings(options, 'Invalid HybridServerlessApp options in .projenrc.ts',
      preset ? [preset.layer] : []);
    const context = templateContext(options.name, settings, switchedOffChecks, environments, raisedDependencies(options));

    super({
      cdkVersion: DEFAULT_CDK_VERSION,
      defaultReleaseBranch: 'main',
      projenrcTs: true,
      // An internal app: no open-source licence file.
      licensed: false,
      sampleCode: false,
      // The sample handler is registered explicitly (see ApiHandlers): a file written at
      // synth is not seen by auto-discovery in the same synth.
      lambdaAutoDiscover: false,
      ...options,
      packageManager: options.packageManager ?? javascript.NodePackageManager.NPM,
      // Unversioned: every dependency gets the tested set's exact version (TestedDependencies), but those the
      // team versions itself in .projenrc.ts.
      deps: ['cdk-nag', ...HANDLER_DEPS, ...(options.deps ?? [])],
      context: {
        // The flags `cdk init` writes for the CDK version in use, so `cdk synth` warns of none.
        ...featureFlags(options.outdir ?? process.cwd()),
        // Server access logs are delivered through the bucket policy, not ACLs (cfn-lint W3045).
        '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
        ...options.context,
      },
    });

    // The README is the team's (see Docs): projen's sample README would come back after the
    // team deletes it, so it is taken out.
    for (const readme of this.components.filter((c) => c instanceof SampleReadme)) {
      this.node.tryRemoveChild(readme.node.id);
    }

    // This package's version lives in package.json, where `npm install create-hybrid-serverless@…`
    // and the `upgrade` task change it. A version named in .projenrc.ts wins (then change it there):
    // the first synth runs with the old package, so FollowInstalledVersion synthesizes once more.
    if (!(options.devDeps ?? []).some((spec) => spec === PACKAGE_NAME || spec.startsWith(`${PACKAGE_NAME}@`))) {
      this.addDevDeps(PACKAGE_NAME);
    }
    new FollowInstalledVersion(this);
    // The preset package is the repo's devDependency, unversioned: its version is package.json's, which
    // `npm install -D <preset>@…` and the upgrade task change; the next `npx projen` applies it.
    if (preset && !isPresetPath(preset.name) && !(options.devDeps ?? []).some((spec) => spec === preset.name || spec.startsWith(`${preset.name}@`))) {
      this.addDevDeps(preset.name);
    }
    // npm 11's npx refuses to fetch npm-check-updates without a terminal to confirm on (CI,
    // the upgrade workflow): the task says yes itself. projen locks the task, hence the override.
    if (this.tasks.tryFind('upgrade')) this.tryFindObjectFile('.projen/tasks.json')?.addOverride('tasks.upgrade.env.npm_config_yes', 'true');

    // Every dependency at the tested set's exact version, and package-lock.json on the tested tree (with npm):
    // a repo generated on any day installs what this package was tested with. (TypeScript stays on 6 there:
    // ts-node, which runs .projenrc.ts, does not work with TypeScript 7.)
    new TestedDependencies(this, options);
    // A company mirror (`npmRegistry`): every install of the repo, its CI's and the upgrade workflow's, goes there.
    // npm takes a lockfile's registry.npmjs.org URLs to the configured registry (its replace-registry-host default).
    if (settings.npmRegistry) this.npmrc.addRegistry(settings.npmRegistry);

    // ts-jest compiles each test file on its own with projen's NodeNext modules; it warns
    // (TS151002) unless the compiler is told so.
    for (const tsconfig of [this.tsconfig, this.tsconfigDev]) {
      tsconfig?.file.addOverride('compilerOptions.isolatedModules', true);
    }

    // The stack references the bundled handler, so tests need the bundle: `npx projen test`
    // works on its own, not only inside `npx projen build` (esbuild takes milliseconds). The
    // build bundles once, before compile; its test task and its `cdk synth` use that bundle.
    this.preCompileTask.spawn(this.bundler.bundleTask);
    // projen locks the build task, hence the override.
    this.tryFindObjectFile('.projen/tasks.json')?.addOverride(`tasks.build.env.${IN_BUILD_ENV}`, 'true');
    this.testTask.prependSpawn(this.bundler.bundleTask, { condition: NOT_IN_BUILD });

    // esbuild, ts-jest (isolatedModules) and ts-node (transpile-only where the typecheck task
    // has run or will run) do not type-check: the build type-checks every TypeScript file of
    // src/ and test/ and .projenrc.ts once, in the check task (frontend/ through its own task).
    this.tsconfigDev.addInclude(`../${this.srcdir}/**/*.ts`);
    this.tsconfigDev.addInclude('../.projenrc.ts');
    // The team's .projenrc.ts helpers and build tools, which eslint lints, are type-checked too.
    this.tsconfigDev.addInclude('../projenrc/**/*.ts');
    this.tsconfigDev.addInclude('../build-tools/**/*.ts');
    const typecheck = this.addTask('typecheck', {
      description: 'Type-check every TypeScript file of src/, test/, projenrc/ and build-tools/, and .projenrc.ts',
      exec: `tsc --noEmit -p ${this.tsconfigDev.fileName}`,
    });
    this.compileTask.spawn(new OneProgramCheck(this, typecheck, this.tsconfigDev.fileName).task);
    // Faster builds that report the same errors (see "Benchmarks" in this package's README):
    // - no type-checking of the libraries' own declaration files (aws-cdk-lib's are a million
    //   lines), as `tsc --init` sets it; the team's code is checked against them all the same;
    // - the typecheck task keeps what it learnt in node_modules/.cache and re-checks only what changed;
    for (const tsconfig of [this.tsconfig, this.tsconfigDev]) tsconfig?.file.addOverride('compilerOptions.skipLibCheck', true);
    this.tsconfigDev.file.addOverride('compilerOptions.incremental', true);
    this.tsconfigDev.file.addOverride('compilerOptions.tsBuildInfoFile', '../node_modules/.cache/typecheck/tsbuildinfo');
    // - `.projenrc.ts` runs without type-checking (the options are checked at run time, above);
    const projenrc = this.defaultTask?.steps.find((step) => step.execArgs?.[0] === 'ts-node');
    if (projenrc?.execArgs) {
      this.defaultTask!.reset();
      this.defaultTask!.addSteps({ execArgs: ['ts-node', '--transpile-only', ...projenrc.execArgs.slice(1)] });
    }
    // - the build's `cdk synth` runs the app without type-checking it again (typecheck ran first);
    //   `npx projen synth`, `deploy` and `cdk synth` run alone still type-check.
    this.tasks.tryFind('synth:silent')?.env('TS_NODE_TRANSPILE_ONLY', 'true');
    // - eslint reads one TypeScript program, the typecheck's, which holds every file it lints,
    //   instead of projen's project service (a program per tsconfig and one for .projenrc.ts); in
    //   the build it is the very same program (the check task);
    const eslintrc = this.tryFindObjectFile('.eslintrc.json');
    if (this.eslint && eslintrc) {
      eslintrc.addDeletionOverride('parserOptions.projectService');
      eslintrc.addOverride('parserOptions.project', [`./${this.tsconfigDev.fileName}`]);
    }
    // - nor bundles again (pre-compile did): an empty `--build` switches cdk.json's build hook
    //   off; `npx projen synth`, `deploy:<env>`, `diff:<env>` and `cdk synth` run alone still bundle.
    const synthSilent = this.tasks.tryFind('synth:silent');
    if (synthSilent) {
      synthSilent.reset();
      synthSilent.exec("cdk synth -q --build ''");
    }

    this.topology = settings.topology;
    this.frontend = settings.frontend;
    this.domain = settings.domain;

    new Infrastructure(this, context);
    new ApiHandlers(this, context);
    new AppTests(this, context);
    new Frontend(this, context);
    new Environments(this, environments);
    new DevLoop(this, context);
    new Docs(this, context);
    new ProjenrcImports(this);
  }
}
