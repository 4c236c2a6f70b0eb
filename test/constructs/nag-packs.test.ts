import { Stage } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { buildApp, buildApps, environmentsFor, synthesizeChecked, testHandler } from './util';
import { VARIANTS } from './variants';
import {
  NAG_PACKS, NagPackName, PACK_ACKNOWLEDGEMENTS, PACK_PREFIXES, PACK_TARGETS, PackTarget, packRuleId,
} from '../../src/constructs';
import { NAG_PACK_NAMES } from '../../src/settings/registry';
import { newProject, synth } from '../util';

const PACKS = Object.keys(PACK_PREFIXES) as NagPackName[];
const newPack: Record<NagPackName, () => NagPack> = {
  NIST80053R5Checks: () => new NIST80053R5Checks(),
  HIPAASecurityChecks: () => new HIPAASecurityChecks(),
  PCIDSS321Checks: () => new PCIDSS321Checks(),
  ServerlessChecks: () => new ServerlessChecks(),
};

/**
 * Which target a construct path is, told apart from the code that acknowledges: if the constructs acknowledged on a
 * construct the table does not name, nothing here matches it and the test fails.
 */
const TARGET_PATHS: Record<PackTarget, RegExp> = {
  'api-function': /\/PrivateApp\/Handler\/Resource$/,
  'api-function-logs': /\/PrivateApp\/HandlerLogs\/Resource$/,
  'api-function-policies': /\/PrivateApp\/(HandlerRole\/DefaultPolicy|HandlerNetworkInterfaces)\/Resource$/,
  'load-balancer': /\/PrivateApp\/Alb\/LoadBalancer\/Resource$/,
  'http-listener': /\/PrivateApp\/Alb\/LoadBalancer\/Http\/Resource$/,
  'log-bucket': /\/PrivateApp\/Alb\/Logs\/Resource$/,
  'frontend-bucket': /\/PrivateApp\/Frontend\/Bucket\/Resource$/,
  'rest-api-stage': /\/PrivateApp\/Api\/RestApi\/DeploymentStage\.prod\/Resource$/,
  'rest-api-logs': /\/PrivateApp\/Api\/AccessLogs\/Resource$/,
  'custom-resource-policies': /\/PrivateApp\/.*\/CustomResourcePolicy\/Resource$/,
  'cdk-custom-resource-function': /\/AWS679f53fac002430cb0da5b7982bd2287$/,
  'cdk-bucket-deployment-function': /\/Custom::CDKBucketDeployment[0-9A-F]+$/,
};
const targetOf = (path: string): PackTarget => {
  const found = (Object.keys(TARGET_PATHS) as PackTarget[]).filter((target) => TARGET_PATHS[target].test(path));
  if (found.length !== 1) throw new Error(`A pack acknowledgement on ${path}, which is ${found.length === 0 ? 'no' : 'more than one'} target of PACK_TARGETS.`);
  return found[0];
};

/** A pack acknowledgement made in an app: the pack, the rule, where (the construct's path and its target). */
interface Made {
  readonly pack: NagPackName;
  readonly rule: string;
  readonly path: string;
  readonly target: PackTarget;
}

/** Every pack acknowledgement made under a construct, from the metadata `Validations.acknowledge` records. */
function packAcknowledgementsIn(scope: IConstruct): Made[] {
  const made: Made[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        const pack = PACKS.find((name) => id.startsWith(`${PACK_PREFIXES[name]}::`));
        if (pack) made.push({ pack, rule: id.slice(id.indexOf('::') + 2 + PACK_PREFIXES[pack].length + 1), path: node.node.path, target: targetOf(node.node.path) });
      }
    }
  }
  return made;
}

/** `table row` → the variants in which it was made, and raised without it. */
const raised = new Map<string, Set<string>>();
const rowKey = (pack: NagPackName, rule: string, target: PackTarget) => `${PACK_PREFIXES[pack]}-${rule} on ${target}`;

describe.each(VARIANTS)('every extra pack, %s', (title, options) => {
  const environments = environmentsFor({ ...options, nagPacks: PACKS });
  // One app for the tests below: each pack is a plugin of its own, which reports its findings whatever the others find.
  const { app } = buildApps(environments);
  let checked: string | undefined;
  /** The app synthesized with cdk-nag's checks, once: '' when it found nothing unacknowledged, else its findings. */
  const check = () => checked ??= (() => {
    try {
      synthesizeChecked(app);
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  })();

  test('synthesizes every environment with all four packs (and AwsSolutions) finding nothing unacknowledged', () => {
    expect(check()).toBe('');
  });

  test('each acknowledgement is of a table row, and raised on its construct without it (none is left over)', () => {
    expect(check()).toBe('');
    const stages = app.node.children.filter((child): child is Stage => Stage.isStage(child));
    for (const stage of stages) {
      // cdk-nag's own run of a pack ignores acknowledgements made through Validations (CDK filters them): every finding.
      const findings = PACKS.flatMap((pack) => newPack[pack]().validateScope(stage).violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' }))));
      for (const { pack, rule, path, target } of packAcknowledgementsIn(stage)) {
        expect(PACK_ACKNOWLEDGEMENTS.some((row) => row.rule === rule && row.on === target && row.packs.includes(pack))).toBe(true);
        const id = `${PACK_PREFIXES[pack]}-${rule}`;
        const hits = findings.filter((finding) => finding.rule === id && (finding.path === path || finding.path.startsWith(`${path}/`)));
        expect([`${id} at ${path}`, hits.length > 0]).toEqual([`${id} at ${path}`, true]);
        const key = rowKey(pack, rule, target);
        raised.set(key, (raised.get(key) ?? new Set()).add(title));
      }
    }
  });

  test('docs/architecture.md lists exactly the pack acknowledgements made, with their pack rule ids and where', () => {
    const made = new Map<string, Set<string>>();
    for (const { pack, rule, target } of packAcknowledgementsIn(app)) {
      const key = `${rule} | ${PACK_TARGETS[target].where}`;
      made.set(key, (made.get(key) ?? new Set()).add(`${PACK_PREFIXES[pack]}-${rule}`));
    }
    const listed = docsTable({ ...options, nagPacks: PACKS });
    expect(Object.fromEntries([...listed].map(([key, ids]) => [key, [...ids].sort()])))
      .toEqual(Object.fromEntries([...made].map(([key, ids]) => [key, [...ids].sort()])));
  });
});

/** The generated docs' table of pack acknowledgements: `rule | where` → pack rule ids; empty when it has none. */
function docsTable(options: Parameters<typeof newProject>[0]): Map<string, Set<string>> {
  const docs: string = synth(newProject(options))['docs/architecture.md'];
  const table = docs.split('| rule | pack rule ids | on | why |')[1]?.split('\n\n')[0] ?? '';
  return new Map([...table.matchAll(/^\| (\w+) \| ([^|]+) \| ([^|]+) \| [^|]+ \|$/gm)]
    .map((row) => [`${row[1]} | ${row[3]}`, new Set(row[2].split(', ').map((id) => id.replace(/`/g, '')))] as const));
}

test('the docs list only the packs the repo turned on, and no table without one', () => {
  const serverless = docsTable({ frontend: true, nagPacks: ['ServerlessChecks'] });
  expect(serverless.size).toBeGreaterThan(0);
  expect([...serverless.values()].flatMap((ids) => [...ids]).filter((id) => !id.startsWith('Serverless-'))).toEqual([]);
  expect(docsTable({ frontend: true }).size).toBe(0);
});

test('every row of the table, for each of its packs, is made and raised in some variant', () => {
  const rows = PACK_ACKNOWLEDGEMENTS.flatMap((row) => row.packs.map((pack) => rowKey(pack, row.rule, row.on)));
  expect(rows.filter((key) => !raised.has(key))).toEqual([]);
  expect(new Set(rows).size).toBe(rows.length);
});

test('the table names each pack the settings take, by the prefix cdk-nag gives its rules, each row with a reason', () => {
  expect(Object.keys(PACK_PREFIXES).sort()).toEqual([...NAG_PACK_NAMES].sort());
  expect(Object.keys(NAG_PACKS).sort()).toEqual([...NAG_PACK_NAMES].sort());
  for (const pack of PACKS) expect(newPack[pack]().readPackName).toBe(PACK_PREFIXES[pack]);
  for (const row of PACK_ACKNOWLEDGEMENTS) {
    expect(row.packs.length).toBeGreaterThan(0);
    expect(row.why).toMatch(/^.{40,}\.$/);
  }
});

/** The message `run` fails with (a synthesis runs its checks once: the second `app.synth()` returns the first's assembly). */
function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('It did not fail.');
}

/** A finding in CDK's validation report: the construct's path, then the id to acknowledge it with. */
const flagged = (path: string, id: string) => new RegExp(`${path} \\S+\\s+Acknowledge with '${id.replace(/\./g, '\\.')}'`);

describe('a team\'s own resources are still checked', () => {
  test('a team\'s bucket without versioning fails the synthesis under NIST 800-53 R5, naming it', () => {
    const [config] = environmentsFor({ frontend: true, nagPacks: ['NIST80053R5Checks'] });
    const { app } = buildApp(config, (stack) => {
      new s3.Bucket(stack, 'TeamBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      });
    });
    const message = failureOf(() => synthesizeChecked(app));
    // What the package acknowledges on its own buckets is flagged on the team's.
    for (const rule of ['S3BucketVersioningEnabled', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS']) {
      expect(message).toMatch(flagged('dev/App/TeamBucket/Resource', packRuleId('NIST80053R5Checks', rule)));
    }
  });

  test('a team\'s function without a dead-letter queue fails the synthesis under Serverless; the API function\'s stays acknowledged', () => {
    const [config] = environmentsFor({ nagPacks: ['ServerlessChecks'] });
    const { app } = buildApp(config, (stack) => {
      testHandler(stack, 'TeamFunction', {});
    });
    const message = failureOf(() => synthesizeChecked(app));
    expect(message).toMatch(flagged('dev/App/TeamFunction/Resource', packRuleId('ServerlessChecks', 'LambdaDLQ')));
    expect(message).not.toMatch(/PrivateApp\/Handler/);
  });
});
