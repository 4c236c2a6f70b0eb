import * as fs from 'fs';
import * as path from 'path';
import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ManagedFile, ownedFile, render } from '../render';

/** The sample app's sources: the team's once written. */
export const FRONTEND_SAMPLE_FILES = [
  'frontend/index.html',
  'frontend/src/main.ts',
  'frontend/src/greeting.ts',
  'frontend/src/style.css',
  'frontend/tsconfig.json',
  'test/frontend.test.ts',
];

/**
 * The optional single-page app. On: the managed `src/hybrid/frontend.ts` (bucket, S3
 * endpoint, listener rule, deployment), the sample app under `frontend/`, and the task that
 * type-checks and bundles it with esbuild into `frontend/dist`, run before compile and tests.
 * Off: none of that; the build output and the sample files the team never changed are removed,
 * changed ones are theirs.
 */
export class Frontend extends Component {
  private readonly context: TemplateContext;

  constructor(private readonly app: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(app);
    this.context = context;
    if (!context.frontend) return;

    new ManagedFile(app, 'src/hybrid/frontend.ts', { context });
    for (const file of FRONTEND_SAMPLE_FILES) ownedFile(app, file, context);

    const build = app.addTask('frontend:build', {
      description: 'Type-check and bundle the single-page app into frontend/dist',
    });
    build.exec('tsc --noEmit -p frontend/tsconfig.json');
    build.exec('esbuild frontend/index.html frontend/src/main.ts frontend/src/style.css --bundle --minify --sourcemap '
      + '--outdir=frontend/dist --entry-names=[name] --loader:.html=copy --target=es2020');
    app.preCompileTask.spawn(build);
    // The stack deploys frontend/dist, so the tests that synthesize it need the build too.
    app.testTask.prependSpawn(build);
    app.gitignore.exclude('/frontend/dist/');
  }

  public synthesize(): void {
    if (this.context.frontend) return;
    for (const file of FRONTEND_SAMPLE_FILES) {
      const target = path.join(this.app.outdir, file);
      if (fs.existsSync(target) && fs.readFileSync(target, 'utf-8') === render(file, this.context)) fs.rmSync(target);
    }
    // frontend/dist is the build's output, not the team's: it goes with the task that wrote it.
    const dir = path.join(this.app.outdir, 'frontend');
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    for (const sub of [path.join(dir, 'src'), dir]) {
      if (fs.existsSync(sub) && fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
    }
  }
}
