import * as fs from 'fs';
import * as path from 'path';
import { App, PermissionsBoundary, Stage, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ENVIRONMENT_CONTEXT, HybridConfig } from './config';

/**
 * One environment (`environments` in `.projenrc.ts`): a CDK Stage with its own account and region,
 * stack names (`<name>-<stack>`) and cloud assembly (`cdk.out/assembly-<name>`), checked by cdk-nag.
 */
export class EnvironmentStage extends Stage {
  constructor(scope: Construct, public readonly config: HybridConfig) {
    super(scope, config.name, {
      env: { account: config.account, region: config.region },
      // On every IAM role CDK makes in the stage: the team's, and those behind aws-cdk-lib's custom resources.
      ...(config.permissionsBoundary ? { permissionsBoundary: permissionsBoundaryOf(config.permissionsBoundary) } : {}),
    });
    // Before any child: `PrivateApp` finds its environment, and CDK's synthesizer the bootstrap
    // qualifier, in the context.
    this.node.setContext(ENVIRONMENT_CONTEXT, config.name);
    if (config.qualifier) this.node.setContext('@aws-cdk/core:bootstrapQualifier', config.qualifier);
    // Validation plugins added to the App do not reach into a Stage: each Stage gets its own.
    Validations.of(this).addPlugins(new AwsSolutionsChecks(this));
    for (const pack of config.nagPacks ?? []) Validations.of(this).addPlugins(nagPack(pack, this));
    // Every taggable resource of the stage, the team's included (CloudFormation propagates no stack tag to some).
    for (const [key, value] of Object.entries(config.tags ?? {})) Tags.of(this).add(key, value);
  }
}

/** The cdk-nag packs an environment may add to AwsSolutions (`nagPacks`), by class name. */
export const NAG_PACKS = {
  NIST80053R5Checks: (scope: Construct) => new NIST80053R5Checks(scope),
  HIPAASecurityChecks: (scope: Construct) => new HIPAASecurityChecks(scope),
  PCIDSS321Checks: (scope: Construct) => new PCIDSS321Checks(scope),
  ServerlessChecks: (scope: Construct) => new ServerlessChecks(scope),
} as const satisfies Record<string, (scope: Construct) => NagPack>;

function nagPack(name: string, scope: Construct): NagPack {
  const make = (NAG_PACKS as Record<string, (scope: Construct) => NagPack>)[name];
  if (!make) throw new Error(`Unknown cdk-nag pack "${name}" in nagPacks; there are ${Object.keys(NAG_PACKS).join(', ')}.`);
  return make(scope);
}

/**
 * A permissions boundary from `.projenrc.ts`'s value: an ARN as it is (`${AWS::AccountId}` and `${AWS::Partition}`
 * are filled in by CDK), else the name of a managed policy in the environment's account.
 */
export function permissionsBoundaryOf(value: string): PermissionsBoundary {
  return value.startsWith('arn:') ? PermissionsBoundary.fromArn(value) : PermissionsBoundary.fromName(value);
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
