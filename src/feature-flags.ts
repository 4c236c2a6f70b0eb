import * as fs from 'fs';
import * as path from 'path';

/**
 * The CDK feature flags a generated repo's `cdk.json` carries: the values `cdk init` writes for
 * the CDK version this package is tested with (`data/cdk-feature-flags.json`, from
 * aws-cdk-lib's `CURRENTLY_RECOMMENDED_FLAGS`), so `cdk synth` warns of no unconfigured flag.
 *
 * When the repo's installed aws-cdk-lib knows flags newer than that list, they are written with
 * the value they have when unconfigured: the warning stays away and nothing changes behaviour
 * behind the team's back; adopting one is a deliberate `context` entry in `.projenrc.ts`.
 */
export function featureFlags(outdir: string): Record<string, unknown> {
  const tested: Record<string, unknown> = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'data', 'cdk-feature-flags.json'), 'utf-8'));
  const newer: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(installedUnconfiguredFlags(outdir))) {
    if (!(flag in tested)) newer[flag] = value;
  }
  return { ...tested, ...newer };
}

/** The flags the installed aws-cdk-lib recommends setting, each with its unconfigured value. */
function installedUnconfiguredFlags(outdir: string): Record<string, unknown> {
  let cxapi: { CURRENTLY_RECOMMENDED_FLAGS: Record<string, unknown>; FLAGS: Record<string, { unconfiguredBehavesLike?: { v2?: unknown } }> };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cxapi = require(require.resolve('aws-cdk-lib/cx-api', { paths: [outdir] }));
  } catch {
    return {};
  }
  const flags: Record<string, unknown> = {};
  for (const flag of Object.keys(cxapi.CURRENTLY_RECOMMENDED_FLAGS ?? {})) {
    flags[flag] = cxapi.FLAGS?.[flag]?.unconfiguredBehavesLike?.v2 ?? false;
  }
  return flags;
}
