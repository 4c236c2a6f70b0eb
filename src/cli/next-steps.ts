import * as path from 'path';
import type { PackageManagerName } from '../generate';
import { DEFAULT_ENVIRONMENT, placeholdersIn, ResolvedSettings, SETTINGS } from '../settings';
import { commandsFor } from './install';
import { bold, cyan, shellQuote, yellow } from './ui';

/** `cd <dir>` as the user would type it: relative when below the current directory. */
export function cdCommand(targetPath: string, cwd: string): string | undefined {
  const relative = path.relative(cwd, targetPath);
  if (relative === '') return undefined;
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? targetPath : relative;
  return `cd ${shellQuote(shown)}`;
}

/** Installs and pins the dependencies, as the CLI does: `npm install && npx projen`. */
export function installCommand(pm: PackageManagerName): string {
  const commands = commandsFor(pm);
  return `${commands.install.join(' ')} && ${commands.exec('projen').join(' ')}`;
}

/** What the CLI could not finish, as one command to paste. */
export function finishCommand(targetPath: string, cwd: string, pm: PackageManagerName): string {
  return [cdCommand(targetPath, cwd), installCommand(pm)].filter(Boolean).join(' && ');
}

/** The same without projen (with `--force`, projen would rewrite the user's kept files). */
export function installOnlyCommand(targetPath: string, cwd: string, pm: PackageManagerName): string {
  return [cdCommand(targetPath, cwd), commandsFor(pm).install.join(' ')].filter(Boolean).join(' && ');
}

export interface NextStepsOptions {
  readonly targetPath: string;
  readonly cwd: string;
  readonly pm: PackageManagerName;
  /** Whether the dependencies were installed. */
  readonly installed: boolean;
  readonly settings: ResolvedSettings;
  /** The environments' names, the first one first. @default ['dev'] */
  readonly environments?: readonly string[];
}

/** The commands to run next, in the package manager's words, and the placeholders to replace. */
export function nextSteps(options: NextStepsOptions): string {
  const commands = commandsFor(options.pm);
  const [first, ...others] = options.environments ?? [DEFAULT_ENVIRONMENT];
  const deploy = commands.exec('projen', `deploy:${first}`).join(' ');
  const steps = [
    cdCommand(options.targetPath, options.cwd),
    options.installed ? undefined : installCommand(options.pm),
    commands.exec('projen', 'build').join(' '),
    deploy,
  ].filter((step): step is string => step !== undefined);

  const lines = ['', bold('Next steps:'), ...steps.map((step) => `  ${cyan(step)}`)];
  lines.push(others.length > 0
    ? `Each environment has its tasks: ${others.map((name) => `deploy:${name}`).join(', ')}; docs/architecture.md shows how to bootstrap them and the deploy workflow.`
    : 'To add an environment (staging, prod …), add it to "environments" in .projenrc.ts; docs/architecture.md shows how.');
  const placeholders = placeholdersIn(options.settings);
  if (placeholders.length > 0) {
    const specs = SETTINGS.filter((spec) => placeholders.includes(spec.key));
    const width = Math.max(...specs.map((spec) => spec.key.length)) + 2;
    lines.push(
      '',
      yellow(`Before ${deploy}, replace these placeholders with your own values:`),
      ...specs.map((spec) => `  ${spec.key.padEnd(width)}${spec.question}`),
      `Set them in .projenrc.ts, then run ${commands.exec('projen').join(' ')} to regenerate the infrastructure.`,
    );
  }
  if (options.settings.auth) {
    lines.push(
      '',
      `Sign-in: before ${deploy}, store the client secret in Secrets Manager as ${options.settings.auth.clientSecret} (plain text, in ` +
        `${options.settings.region}), and register https://${options.settings.domain}/oauth2/idpresponse as the callback at the provider; ` +
        'docs/architecture.md (Sign-in) says what the VPC needs.',
    );
  }
  return lines.join('\n');
}
