// What cdk-nag's extra packs (`nagPacks`) find on the managed infrastructure and this package acknowledges, as data:
// the constructs apply it (`acknowledgePackRules`), the generated docs/architecture.md lists it, the tests loop over it.
// Plain data and types only (no aws-cdk-lib at run time): the project type reads it when it writes the docs.
import type { HybridConfig } from './config';
import { Topology } from '../options';
import { TOPOLOGIES } from '../topologies';

/** The extra cdk-nag packs, by class name, and the prefix of their rule ids (`NIST.800.53.R5-LambdaDLQ`). */
export const PACK_PREFIXES = {
  NIST80053R5Checks: 'NIST.800.53.R5',
  HIPAASecurityChecks: 'HIPAA.Security',
  PCIDSS321Checks: 'PCI.DSS.321',
  ServerlessChecks: 'Serverless',
} as const;

/** An extra cdk-nag pack's class name, as `nagPacks` takes it. */
export type NagPackName = keyof typeof PACK_PREFIXES;

/** The id `Validations.of(construct).acknowledge` takes for a pack's rule: `NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ`. */
export function packRuleId(pack: NagPackName, rule: string): string {
  const prefix = PACK_PREFIXES[pack];
  return `${prefix}::${prefix}-${rule}`;
}

const spec = (config: Pick<HybridConfig, 'topology'>) => TOPOLOGIES[config.topology as Topology];
/** Whether aws-cdk-lib's AwsCustomResource function is in the stack: endpoint lookups, the endpoint's policy. */
const customResources = (config: Pick<HybridConfig, 'topology' | 'frontend'>) => config.frontend || spec(config).restApi;

/**
 * Where in the managed infrastructure an acknowledgement is made: the narrowest construct that has the finding, and
 * whether an environment's settings build it.
 */
export const PACK_TARGETS = {
  'api-function': { where: 'the API function', present: () => true },
  'api-function-logs': { where: 'the API function\'s log group', present: () => true },
  'api-function-policies': { where: 'the API function\'s role policies', present: () => true },
  'load-balancer': { where: 'the load balancer', present: (c: HybridConfig) => spec(c).loadBalancer },
  'http-listener': { where: 'the load balancer\'s port 80 listener', present: (c: HybridConfig) => spec(c).loadBalancer },
  'log-bucket': { where: 'the access-log bucket', present: (c: HybridConfig) => spec(c).loadBalancer },
  'frontend-bucket': { where: 'the frontend bucket', present: (c: HybridConfig) => c.frontend },
  'rest-api-stage': { where: 'the REST API\'s stage', present: (c: HybridConfig) => spec(c).restApi },
  'rest-api-logs': { where: 'the REST API\'s access-log group', present: (c: HybridConfig) => spec(c).restApi },
  'custom-resource-policies': { where: 'the deploy-time lookups\' and endpoint policy\'s policies', present: customResources },
  'cdk-custom-resource-function': { where: 'aws-cdk-lib\'s AwsCustomResource function', present: customResources },
  'cdk-bucket-deployment-function': { where: 'aws-cdk-lib\'s BucketDeployment function', present: (c: HybridConfig) => c.frontend },
} as const satisfies Record<string, { where: string; present: (config: HybridConfig) => boolean }>;

/** A place `PACK_TARGETS` names. */
export type PackTarget = keyof typeof PACK_TARGETS;

/** One finding of the extra packs that the managed infrastructure acknowledges, and why. */
export interface PackAcknowledgement {
  /** The rule, as every pack that has it names it after its prefix: `LambdaDLQ`. */
  readonly rule: string;
  /** The packs that raise it there. */
  readonly packs: readonly NagPackName[];
  /** Where it is acknowledged. */
  readonly on: PackTarget;
  /** Only in environments whose settings raise it (no reserved concurrency, say); always when absent. */
  readonly when?: (config: HybridConfig) => boolean;
  /** Why it is acknowledged rather than fixed: a full sentence for the code, the synth output and the docs. */
  readonly why: string;
}

const NHP: readonly NagPackName[] = ['NIST80053R5Checks', 'HIPAASecurityChecks', 'PCIDSS321Checks'];
const NH: readonly NagPackName[] = ['NIST80053R5Checks', 'HIPAASecurityChecks'];
const NP: readonly NagPackName[] = ['NIST80053R5Checks', 'PCIDSS321Checks'];
const S: readonly NagPackName[] = ['ServerlessChecks'];
const CDK_FUNCTIONS: readonly PackTarget[] = ['cdk-custom-resource-function', 'cdk-bucket-deployment-function'];

const WAF = 'Reachable only from the corporate network over the private path; a WAF web ACL, where the company\'s controls ' +
  'call for one, is the team\'s addition (docs/architecture.md, Security).';
const LOG_GROUP_KMS = 'CloudWatch Logs encrypts every log group at rest; a customer-managed KMS key (with a key policy for ' +
  '`logs.<region>.amazonaws.com`) is the team\'s choice where the data it logs calls for one.';
const INLINE = 'The policy belongs to this one role and is deleted with it (IAM\'s guidance for permissions that must not ' +
  'attach to another principal); CDK\'s grants write it.';
const CDK_FUNCTION = 'aws-cdk-lib\'s function behind a custom resource, run by CloudFormation during a deployment only: ';

/**
 * Every extra-pack finding the managed infrastructure acknowledges. What was cheap and right is fixed instead: the
 * AwsCustomResource function has an explicit memory size (Serverless LambdaDefaultMemorySize), the API function has
 * reserved concurrency when `reservedConcurrency` gives it and runs in the VPC when `handlerEgress` does, and the load
 * balancer has deletion protection in production.
 */
export const PACK_ACKNOWLEDGEMENTS: readonly PackAcknowledgement[] = [
  // The API function.
  {
    rule: 'LambdaDLQ',
    packs: [...NH, ...S],
    on: 'api-function',
    why: 'The load balancer or API Gateway invokes the function synchronously and the caller gets its error: a dead-letter ' +
      'queue receives failed asynchronous invocations only and would stay empty.',
  },
  {
    rule: 'LambdaConcurrency',
    packs: NH,
    on: 'api-function',
    when: (c) => !c.reservedConcurrency,
    why: 'Reserved concurrency is `reservedConcurrency` in .projenrc.ts: off by default, as an account refuses a reservation ' +
      'that leaves it fewer than 100 unreserved executions (a new account\'s quota may be 10).',
  },
  {
    rule: 'LambdaInsideVPC',
    packs: NHP,
    on: 'api-function',
    when: (c) => c.handlerDestinations.length === 0,
    why: 'The function is reached only through the private path and calls nothing on premises; `handlerEgress` in ' +
      '.projenrc.ts runs it in the VPC, sending only where it lists.',
  },
  {
    rule: 'LambdaLatestVersion',
    packs: S,
    on: 'api-function',
    why: 'The runtime is set by projen in .projenrc.ts (nodejs24.x, the newest Node.js runtime); cdk-nag compares with its ' +
      'own list, which lags new runtimes.',
  },
  { rule: 'CloudWatchLogGroupEncrypted', packs: NHP, on: 'api-function-logs', why: LOG_GROUP_KMS },
  { rule: 'IAMNoInlinePolicy', packs: NHP, on: 'api-function-policies', why: INLINE },
  // The load balancer and its log bucket.
  { rule: 'ALBWAFEnabled', packs: NP, on: 'load-balancer', why: WAF },
  {
    rule: 'ELBDeletionProtectionEnabled',
    packs: NH,
    on: 'load-balancer',
    when: (c) => !c.production,
    why: 'Not a production environment: deletion protection is on with `production: true`, and off here so that ' +
      '`npx projen destroy:<environment>` can remove it.',
  },
  {
    rule: 'ELBv2ACMCertificateRequired',
    packs: NHP,
    on: 'http-listener',
    why: 'The port 80 listener only redirects to HTTPS on 443 (301) and serves nothing: there is no certificate to give it.',
  },
  {
    rule: 'S3DefaultEncryptionKMS',
    packs: NHP,
    on: 'log-bucket',
    why: 'Load balancer access-log delivery supports SSE-S3 (AES256) only, not KMS; the bucket is encrypted with SSE-S3.',
  },
  {
    rule: 'S3BucketLoggingEnabled',
    packs: NHP,
    on: 'log-bucket',
    when: (c) => !c.frontend,
    why: 'This bucket is the access-log destination; logging it to itself would loop. It is private, TLS-only and written ' +
      'only by the log delivery services.',
  },
  {
    rule: 'S3BucketReplicationEnabled',
    packs: NHP,
    on: 'log-bucket',
    why: 'Where the logs are copied (another region, the company\'s log archive account) is the landing zone\'s decision; ' +
      'the bucket is versioned, as replication requires, so a replication rule can be added in the team\'s stack.',
  },
  // The frontend bucket.
  {
    rule: 'S3DefaultEncryptionKMS',
    packs: NHP,
    on: 'frontend-bucket',
    why: 'The load balancer forwards the browsers\' unsigned requests to S3, and S3 serves KMS-encrypted objects to signed ' +
      'requests only; the bucket is encrypted with SSE-S3 and readable only through the app\'s endpoint.',
  },
  {
    rule: 'S3BucketVersioningEnabled',
    packs: NHP,
    on: 'frontend-bucket',
    why: 'The bucket holds only the build of frontend/, which git versions and every deploy writes again (BucketDeployment ' +
      'with prune): an older version is a redeploy of an older commit.',
  },
  {
    rule: 'S3BucketReplicationEnabled',
    packs: NHP,
    on: 'frontend-bucket',
    why: 'The bucket holds only the build of frontend/, which every deploy writes again from the repo; the app runs in one ' +
      'region, so a replica would serve nothing.',
  },
  // The REST API.
  { rule: 'APIGWAssociatedWithWAF', packs: NP, on: 'rest-api-stage', why: WAF },
  {
    rule: 'APIGWCacheEnabledAndEncrypted',
    packs: NHP,
    on: 'rest-api-stage',
    why: 'A stage cache would answer one caller with another\'s response (its keys do not include the signed-in identity) ' +
      'and costs by the hour; cache a method whose answers are shared, in the team\'s stack, where one is wanted.',
  },
  {
    rule: 'APIGWSSLEnabled',
    packs: NHP,
    on: 'rest-api-stage',
    why: 'The stage\'s only integration is the Lambda function (AWS_PROXY), invoked through the signed Lambda API: a client ' +
      'certificate authenticates API Gateway to HTTP backends only.',
  },
  { rule: 'CloudWatchLogGroupEncrypted', packs: NHP, on: 'rest-api-logs', why: LOG_GROUP_KMS },
  // The deploy-time lookups and the endpoint's policy (AwsCustomResource).
  { rule: 'IAMNoInlinePolicy', packs: NHP, on: 'custom-resource-policies', why: INLINE.replace('this one role', 'the one custom resource') },
  // aws-cdk-lib's functions (acknowledgeCdkFunctions).
  ...CDK_FUNCTIONS.flatMap((on): PackAcknowledgement[] => [
    { rule: 'LambdaDLQ', packs: [...NH, ...S], on, why: `${CDK_FUNCTION}CloudFormation waits for its answer, and a failure fails and rolls back the deployment.` },
    { rule: 'LambdaConcurrency', packs: NH, on, why: `${CDK_FUNCTION}a few invocations per deployment.` },
    { rule: 'LambdaInsideVPC', packs: NHP, on, why: `${CDK_FUNCTION}it calls AWS APIs only, which in the VPC would need a NAT or endpoints.` },
    { rule: 'LambdaLatestVersion', packs: S, on, why: `${CDK_FUNCTION}aws-cdk-lib chooses its runtime and moves it with its releases.` },
    { rule: 'LambdaTracing', packs: S, on, why: `${CDK_FUNCTION}aws-cdk-lib offers no tracing for it; CloudFormation's events and its log record each run.` },
    { rule: 'CloudWatchLogGroupEncrypted', packs: NHP, on, why: `${CDK_FUNCTION}${LOG_GROUP_KMS}` },
  ]),
  { rule: 'IAMNoInlinePolicy', packs: NHP, on: 'cdk-bucket-deployment-function', why: `${CDK_FUNCTION}aws-cdk-lib writes its role's grants inline.` },
];

/** The acknowledgements made on one target for one environment's settings. */
export function packAcknowledgementsOn(target: PackTarget, config?: HybridConfig): PackAcknowledgement[] {
  return PACK_ACKNOWLEDGEMENTS.filter((row) => row.on === target && (!row.when || (config !== undefined && row.when(config))));
}

/** A row of the generated docs' table: the rule, the ids of the packs turned on, where and why. */
export interface PackAcknowledgementRow {
  readonly rule: string;
  readonly ids: readonly string[];
  readonly where: string;
  readonly why: string;
}

/**
 * The acknowledgements an app with these environments makes for the packs they turned on (`nagPacks`), for the docs:
 * each row whose target an environment with the pack builds, and whose condition holds there.
 */
export function packAcknowledgementRows(configs: readonly HybridConfig[]): PackAcknowledgementRow[] {
  return PACK_ACKNOWLEDGEMENTS.flatMap((row) => {
    const made = (pack: NagPackName) => configs.some((config) => (config.nagPacks ?? []).includes(pack) &&
      PACK_TARGETS[row.on].present(config) && (!row.when || row.when(config)));
    const packs = row.packs.filter(made);
    if (packs.length === 0) return [];
    return [{ rule: row.rule, ids: packs.map((pack) => `${PACK_PREFIXES[pack]}-${row.rule}`), where: PACK_TARGETS[row.on].where, why: row.why }];
  });
}
