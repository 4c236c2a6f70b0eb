import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { HybridConfig } from './config';
import { packAcknowledgementsOn, packRuleId, PackTarget } from './pack-acknowledgements';

/** An acknowledgement as `Validations.of(construct).acknowledge` takes it. */
interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

const CDK_RUNTIME: Acknowledgement = {
  id: 'AwsSolutions::AwsSolutions-L1',
  reason: 'A function aws-cdk-lib adds for its custom resources: aws-cdk-lib chooses its runtime and moves it with its releases.',
};

/**
 * The singleton functions aws-cdk-lib adds to a stack behind its custom resources, by construct id, and what cdk-nag
 * finds on them that is aws-cdk-lib's choice, not the app's: their runtime (2.278 moved them to nodejs24.x, which
 * cdk-nag's L1 no longer counts as the latest once a newer one exists) and their role.
 */
const CDK_FUNCTIONS: ReadonlyArray<readonly [string, readonly Acknowledgement[], PackTarget?]> = [
  // Behind every `AwsCustomResource`: the endpoint lookups and the execute-api endpoint's policy.
  ['AWS679f53fac002430cb0da5b7982bd2287', [CDK_RUNTIME, {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK\'s AwsCustomResource provider, which looks up endpoints and sets the execute-api endpoint\'s policy ' +
      'at deploy time, logs with this role.',
  }], 'cdk-custom-resource-function'],
  // Behind a `CfnJson` (`Stack.toJsonString` of a value with tokens).
  ['AWSCDKCfnUtilsProviderCustomResourceProvider', [CDK_RUNTIME]],
  // Behind a `BucketDeployment` (the frontend).
  ['Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C', [{
    id: 'AwsSolutions::AwsSolutions-L1',
    reason: 'CDK\'s BucketDeployment function: its runtime is chosen by aws-cdk-lib and follows CDK upgrades.',
  }], 'cdk-bucket-deployment-function'],
];

/**
 * Acknowledges what cdk-nag finds on the functions aws-cdk-lib has added to the stack of `scope` for its custom
 * resources (those present now: call it after creating the resource), scoped to those functions: AwsSolutions'
 * findings and the extra packs' (`PACK_ACKNOWLEDGEMENTS`). Every construct here that creates an `AwsCustomResource`,
 * a `CfnJson` or a `BucketDeployment` calls it; so can a team's own.
 */
export function acknowledgeCdkFunctions(scope: IConstruct): void {
  const stack = Stack.of(scope);
  for (const [id, acknowledgements, packTarget] of CDK_FUNCTIONS) {
    const cdkFunction = stack.node.tryFindChild(id);
    if (!cdkFunction) continue;
    for (const acknowledgement of acknowledgements) Validations.of(cdkFunction).acknowledge(acknowledgement);
    if (packTarget) acknowledgePackRules(packTarget, [cdkFunction]);
  }
}

/**
 * Acknowledges, on each of `constructs`, what the extra cdk-nag packs find there and `PACK_ACKNOWLEDGEMENTS` lists for
 * `target` (with `config`, also the rows that only some settings raise), for every pack that has the rule: a team
 * that adds a pack itself finds the package's constructs clean too.
 */
export function acknowledgePackRules(target: PackTarget, constructs: readonly IConstruct[], config?: HybridConfig): void {
  for (const row of packAcknowledgementsOn(target, config)) {
    for (const construct of constructs) {
      for (const pack of row.packs) Validations.of(construct).acknowledge({ id: packRuleId(pack, row.rule), reason: row.why });
    }
  }
}
