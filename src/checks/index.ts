// `create-hybrid-serverless/checks`: the managed checks of a generated repo, as Jest tests. The generated
// test/hybrid/infrastructure.test.ts and test/hybrid/handler-infrastructure.test.ts call these with the repo's
// environments and stack; the checks look only at what the package built (`PrivateApp`), so that the team's own
// resources never turn them red. Jest's globals (`describe`, `test`, `expect`, `jest`) are the repo's.
import { Stack } from 'aws-cdk-lib';
import { checkCdkNag, cdkJsonOf, nagPacksOf } from './cdk-nag';
import { HANDLER_CHECKS } from './handler';
import { INFRASTRUCTURE_CHECKS, ManagedCheck } from './infrastructure';
import { CheckTarget } from './target';
import { HybridConfig } from '../constructs/config';

export { CheckTarget } from './target';
export { INFRASTRUCTURE_CHECKS } from './infrastructure';
export type { CheckGroup, ManagedCheck } from './infrastructure';
export { HANDLER_CHECKS } from './handler';
export type { HandlerCheck } from './handler';
export { checkCdkNag } from './cdk-nag';

export interface ManagedChecksOptions<C extends HybridConfig = HybridConfig> {
  /** The repo's root: its cdk.json (the context) and src/main.ts (the app cdk-nag checks). */
  readonly root: string;
  /** Every environment of `.projenrc.ts`, in deploy order. */
  readonly environments: readonly C[];
  /** Builds one environment's stack as src/main.ts builds it (in its `EnvironmentStage`), with cdk.json's context. */
  readonly stackOf: (config: C, context: Record<string, unknown>) => Stack;
  /** The managed checks switched off in `.projenrc.ts` (`switchedOffChecks`): id → reason. */
  readonly switchedOff?: Readonly<Record<string, string>>;
}

/** A managed check as a test, named by its id; switched off, skipped with its reason. */
function register(id: string, title: string, switchedOff: Readonly<Record<string, string>>, fn: () => void): void {
  const reason = switchedOff[id];
  if (reason === undefined) test(`${title} [${id}]`, fn);
  else test.skip(`${title} [${id}] (switched off in .projenrc.ts: ${reason})`, fn);
}

/**
 * The paved-road checks, as tests: in every environment, what the package builds (`PrivateApp` in the team's stack)
 * must keep every property of `INFRASTRUCTURE_CHECKS`; and cdk-nag must have checked every environment of the app of
 * src/main.ts and found nothing unacknowledged. One that does not fit is switched off with a reason
 * (`switchedOffChecks` in `.projenrc.ts`).
 */
export function describeInfrastructureChecks<C extends HybridConfig>(options: ManagedChecksOptions<C>): void {
  const switchedOff = options.switchedOff ?? {};
  const context = cdkJsonOf(options.root).context ?? {};
  describe.each(options.environments.map((environment) => [environment.name, environment] as const))('environment %s', (_name, config) => {
    const target = new CheckTarget(options.stackOf(config, context));
    for (const group of INFRASTRUCTURE_CHECKS) {
      if (group.applies && !group.applies(target)) continue;
      const checks = group.checks.filter((check: ManagedCheck) => !check.applies || check.applies(target));
      describe(group.title(target), () => {
        for (const check of checks) register(check.id, check.title(target), switchedOff, () => check.run(target));
      });
    }
  });

  describe('security gates', () => {
    register('cdk-nag', `cdk-nag ${nagPacksOf(options.environments).join(', ')} checked every environment of the app of src/main.ts `
      + 'and found nothing unacknowledged',
    switchedOff, () => checkCdkNag(options.root, options.environments.length));
  });
}

/**
 * The API function as the package builds it (`HANDLER_CHECKS`): traced, observable, least privilege, in the VPC when
 * configured. The function is the same in every environment but for its network: the first one stands for all.
 */
export function describeHandlerChecks<C extends HybridConfig>(options: Omit<ManagedChecksOptions<C>, 'switchedOff'>): void {
  const target = new CheckTarget(options.stackOf(options.environments[0], cdkJsonOf(options.root).context ?? {}));
  const groups = [...new Set(HANDLER_CHECKS.map((check) => check.group))];
  for (const group of groups) {
    const checks = HANDLER_CHECKS.filter((check) => check.group === group && (!check.applies || check.applies(target)));
    if (checks.length === 0) continue;
    describe(group, () => {
      for (const check of checks) test(check.title(target), () => check.run(target));
    });
  }
}
