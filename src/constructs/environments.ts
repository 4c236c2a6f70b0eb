import * as fs from 'fs';
import * as path from 'path';
import { App, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENVIRONMENT_CONTEXT, HybridConfig } from './config';

/**
 * One environment (`environments` in `.projenrc.ts`): a CDK Stage with its own account and region,
 * stack names (`<name>-<stack>`) and cloud assembly (`cdk.out/assembly-<name>`), checked by cdk-nag.
 */
export class EnvironmentStage extends Stage {
  constructor(scope: Construct, public readonly config: HybridConfig) {
    super(scope, config.name, { env: { account: config.account, region: config.region } });
    // Before any child: `PrivateApp` finds its environment, and CDK's synthesizer the bootstrap
    // qualifier, in the context.
    this.node.setContext(ENVIRONMENT_CONTEXT, config.name);
    if (config.qualifier) this.node.setContext('@aws-cdk/core:bootstrapQualifier', config.qualifier);
    // Validation plugins added to the App do not reach into a Stage: each Stage gets its own.
    Validations.of(this).addPlugins(new AwsSolutionsChecks(this));
  }
}

/** What `validation-report.json` says of one validation plugin (the fields read here). */
interface PluginReport {
  readonly conclusion: string;
  readonly violations?: ReadonlyArray<{ ruleName: string; violatingConstructs: ReadonlyArray<{ constructPath: string }> }>;
}

/**
 * Synthesizes the app, and fails on any validation finding: inside a Stage, CDK records a
 * finding as a failure in `validation-report.json` but does not fail the synthesis itself.
 */
export function synthesize(app: App): void {
  const report = path.join(app.outdir, 'validation-report.json');
  fs.rmSync(report, { force: true });
  app.synth();
  if (!fs.existsSync(report)) return;
  const { pluginReports = [] } = JSON.parse(fs.readFileSync(report, 'utf-8')) as { pluginReports?: PluginReport[] };
  const findings = pluginReports.filter((plugin) => plugin.conclusion === 'failure')
    .flatMap((plugin) => (plugin.violations ?? []).flatMap((violation) =>
      violation.violatingConstructs.map((construct) => `${violation.ruleName} at ${construct.constructPath}`)));
  if (findings.length > 0) {
    throw new Error(`Validation failed (${report}):\n  ${findings.join('\n  ')}`);
  }
}
