import { HybridServerlessSettings } from '../options';

/**
 * A company preset: what a platform team publishes once (an npm package, or a file in a monorepo) for every repo of
 * the company. Its module exports this object (`module.exports = definePreset({ … })`, or as its default export);
 * its package.json names the create-hybrid-serverless releases it is written for in `peerDependencies`.
 * docs/presets.md has the details.
 */
export interface Preset {
  /**
   * Values a repo starts with: the CLI offers them as its questions' defaults, and a repo that does not set one in
   * `.projenrc.ts` follows the preset's next version. Any setting of `.projenrc.ts` (`environments` included).
   */
  readonly defaults?: HybridServerlessSettings;
  /**
   * Values every repo has: the CLI does not ask for them, and `.projenrc.ts` may repeat one but not change it
   * (`npx projen` stops, naming the preset, the setting and both values). An environment of the repo may not set
   * a locked setting to another value either.
   */
  readonly locked?: HybridServerlessSettings;
}

/** A preset, typed: what `definePreset` is given is checked against the settings by the compiler. */
export function definePreset(preset: Preset): Preset {
  return preset;
}

export { HybridServerlessSettings, EnvironmentSettings, OidcAuthSettings, Topology } from '../options';
