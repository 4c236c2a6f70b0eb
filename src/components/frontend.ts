import * as fs from 'fs';
import * as path from 'path';
import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { OwnedFiles, ownedFile } from '../owned';
import { NOT_IN_BUILD } from '../tasks';

/** The sample app's sources: the team's once written. */
export const FRONTEND_SAMPLE_FILES = [
  'frontend/index.html',
  'frontend/src/main.ts',
  'frontend/src/greeting.ts',
  'frontend/src/style.css',
  'frontend/tsconfig.json',
  'test/frontend.test.ts',
];

/** What the frontend task bundles into `frontend/dist` (the dev server bundles the same). */
export const FRONTEND_ENTRY_POINTS = ['frontend/index.html', 'frontend/src/main.ts', 'frontend/src/style.css'];

/**
 * The optional single-page app. On: the managed `src/hybrid/frontend.ts` (bucket, S3
 * endpoint, listener rule, deployment), the sample app under `frontend/`, and the task that
 * type-checks and bundles it with esbuild into `frontend/dist`, run before compile and tests.
 * Off: none of that; the sample files the package wrote and the team never changed are removed
 * unless a file the team keeps refers to them, and so is what the task wrote into `frontend/dist`.
 */
export class Frontend extends Component {
  private readonly context: TemplateContext;

  constructor(private readonly app: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(app);
    this.context = context;
    if (!context.frontend) return;

    for (const file of FRONTEND_SAMPLE_FILES) ownedFile(app, file, context);

    // The bundle on its own: what the tests and `cdk synth` need (frontend/dist), in milliseconds.
    const bundle = app.addTask('frontend:bundle', {
      description: 'Bundle the single-page app into frontend/dist (no type-check)',
    });
    bundle.exec(`esbuild ${FRONTEND_ENTRY_POINTS.join(' ')} --bundle --minify --sourcemap `
      + '--outdir=frontend/dist --entry-names=[name] --loader:.html=copy --target=es2020 '
      + `--metafile=${FRONTEND_BUILD_META}`);
    // The build type-checks the app once, here.
    const build = app.addTask('frontend:build', {
      description: 'Type-check and bundle the single-page app into frontend/dist',
    });
    build.exec('tsc --noEmit -p frontend/tsconfig.json');
    build.spawn(bundle);
    app.preCompileTask.spawn(build);
    // `cdk synth` and `cdk deploy` run by hand bundle what the app deploys: the handlers and the app.
    app.cdkConfig.json.addOverride('build', `${app.runTaskCommand(app.bundler.bundleTask)} && ${app.runTaskCommand(bundle)}`);
    // The stack deploys frontend/dist, so the tests that synthesize it need the bundle too
    // (inside `npx projen build`, pre-compile has built it).
    app.testTask.prependSpawn(bundle, { condition: NOT_IN_BUILD });
    app.gitignore.exclude('/frontend/dist/');
  }

  // Before synthesis, so that the register of owned files (a managed file) records the removals.
  public preSynthesize(): void {
    if (this.context.frontend) return;
    const register = OwnedFiles.of(this.app);
    const kept = register.withdraw(FRONTEND_SAMPLE_FILES.filter((file) => register.isRecorded(file)));
    for (const { file, reason } of kept) {
      this.app.logger.warn(`frontend: false, but ${file} is kept: ${reason}. Delete it yourself when you no longer need it.`);
    }
    removeBuildOutput(this.app.outdir);
  }
}

/** Where the frontend task records the files it wrote, so that only those are ever removed. */
export const FRONTEND_BUILD_META = 'node_modules/.cache/create-hybrid-serverless/frontend-build.json';

/**
 * Removes what the frontend task wrote into `frontend/dist` (esbuild's metafile lists it), and the
 * directory if nothing else is left in it. Without the metafile, nothing is removed.
 */
function removeBuildOutput(outdir: string): void {
  const meta = path.join(outdir, FRONTEND_BUILD_META);
  if (!fs.existsSync(meta)) return;
  const outputs = Object.keys(JSON.parse(fs.readFileSync(meta, 'utf-8')).outputs ?? {});
  for (const output of outputs) {
    if (output.startsWith('frontend/dist/')) fs.rmSync(path.join(outdir, output), { force: true });
  }
  fs.rmSync(meta);
  for (const dir of ['frontend/dist', 'frontend/src', 'frontend']) {
    const full = path.join(outdir, dir);
    if (fs.existsSync(full) && fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }
}
