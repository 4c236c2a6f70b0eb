import { Topology } from './options';
import { render, tsLiteral } from './render';

/** The options written into a generated `.projenrc.ts`. */
export interface ProjenrcOptions {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** The enum members that a rendered option refers to, by option name and value. */
const ENUM_OPTIONS: Record<string, { type: string; module: string; members: Record<string, string> }> = {
  topology: {
    type: 'Topology',
    module: 'create-hybrid-serverless',
    // Each topology's value to its member: `'alb-lambda'` → `ALB_LAMBDA`.
    members: Object.fromEntries(Object.entries(Topology).map(([member, value]) => [value, member])),
  },
  packageManager: {
    type: 'javascript.NodePackageManager',
    module: 'projen',
    members: { npm: 'NPM', pnpm: 'PNPM', yarn: 'YARN_CLASSIC', yarn_classic: 'YARN_CLASSIC' },
  },
};

/**
 * Renders `.projenrc.ts` for the given options: the CLI writes exactly the options it builds
 * with, so `npx projen` afterwards reproduces the same files. Values are JSON literals;
 * enums are written as their members (`Topology.ALB_LAMBDA`).
 */
export function renderProjenrc(options: ProjenrcOptions): string {
  const entries = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const enumOption = ENUM_OPTIONS[key];
      const literal = enumOption
        ? `${enumOption.type}.${enumOption.members[String(value)]}`
        : tsLiteral(value);
      return { key: /^[A-Za-z_$][\w$]*$/.test(key) ? key : tsLiteral(key), literal };
    });
  const usesPackageManager = options.packageManager !== undefined;
  // With a preset, `.projenrc.ts` may leave the topology to it.
  const usesTopology = options.topology !== undefined;
  return render('.projenrc.ts', { entries, usesPackageManager, usesTopology });
}
