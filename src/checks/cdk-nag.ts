import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IN_BUILD_ENV } from '../tasks';

/**
 * cdk-nag checks each environment as a validation plugin of its Stage (`EnvironmentStage`), and CDK writes each
 * plugin's conclusion to the cloud assembly's validation-report.json. Inside `npx projen build`, the build's own
 * `cdk synth` of src/main.ts has just written it (and stopped the build on any finding): the check reads that report.
 * Run alone, it synthesizes src/main.ts itself, into a temporary directory. Either way it is the app `cdk synth`
 * builds, with every stack the team added: a finding anywhere, or an environment left unchecked, fails it.
 */
export function checkCdkNag(root: string, environments: number): void {
  const outdir = process.env[IN_BUILD_ENV] ? assemblyOfTheBuild(root) : synthesizeMain(root);
  const reportFile = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) throw new Error(`${reportFile} is missing: no validation plugin ran on the app of src/main.ts`);
  const reports: Array<{ pluginName: string; violations?: unknown[] }> = JSON.parse(fs.readFileSync(reportFile, 'utf-8')).pluginReports;
  // One AwsSolutions report per environment's Stage; no finding of it or of any other pack (nagPacks).
  expect(reports.filter((plugin) => plugin.pluginName === 'AwsSolutions')).toHaveLength(environments);
  expect(reports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
}

/** The packs the cdk-nag check runs on the environments, as its title names them: AwsSolutions, then `nagPacks`. */
export function nagPacksOf(environments: ReadonlyArray<{ readonly nagPacks?: readonly string[] }>): string[] {
  return ['AwsSolutions', ...new Set(environments.flatMap((environment) => environment.nagPacks ?? []))];
}

/** The repo's cdk.json. */
export function cdkJsonOf(root: string): { context?: Record<string, unknown>; output?: string } {
  return JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf-8'));
}

/** Synthesizes the app of src/main.ts as `cdk synth` would, into a temporary directory, and returns it. */
function synthesizeMain(root: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  process.env.CDK_OUTDIR = outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(cdkJsonOf(root).context ?? {});
  try {
    // Through Jest's module registry (the repo's TypeScript, a fresh copy of every module).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => jest.isolateModules(() => require(path.join(root, 'src', 'main')))).not.toThrow();
  } finally {
    delete process.env.CDK_OUTDIR;
    delete process.env.CDK_CONTEXT_JSON;
  }
  return outdir;
}

/** The cloud assembly the build's `cdk synth` wrote, after the last change to the app's sources. */
function assemblyOfTheBuild(root: string): string {
  const outdir = path.join(root, cdkJsonOf(root).output ?? 'cdk.out');
  const report = path.join(outdir, 'validation-report.json');
  const written = fs.existsSync(report) ? fs.statSync(report).mtimeMs : 0;
  const sources = ['cdk.json', ...fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf-8' })
    .filter((file) => file.endsWith('.ts')).map((file) => path.join('src', file)).sort()];
  const newer = sources.find((file) => fs.statSync(path.join(root, file)).mtimeMs > written);
  if (newer) throw new Error(`${path.relative(root, report)} is older than ${newer}: the build's \`cdk synth\` (post-compile) did not run`);
  return outdir;
}
