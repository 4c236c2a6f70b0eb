import { SettingKey, SETTINGS, SettingSpec } from '../settings';
import { closest } from '../validate';
import { brief, Problem } from './ui';

/** Where the project goes when no directory is given. */
export const DEFAULT_DIRECTORY = 'hybrid-serverless-app';

/** What the command line asked for. Setting values are raw: checked later, with the answers file. */
export interface CliArgs {
  /** The positional directory, as typed (see `formatTargetDir`). */
  readonly directory?: string;
  /** Settings given as flags: strings, booleans, or string arrays for lists. */
  readonly settings: Partial<Record<SettingKey, unknown>>;
  readonly yes: boolean;
  readonly answers?: string;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly install: boolean;
  readonly git: boolean;
  readonly packageSpec?: string;
  /** The first environment's name. */
  readonly environment?: string;
  /** The company preset: an npm spec or a local directory or tarball. */
  readonly preset?: string;
  readonly help: boolean;
  readonly version: boolean;
}

export interface ParsedArgs {
  readonly args: CliArgs;
  /** Usage problems (unknown flags, missing values, …), all of them. */
  readonly problems: Problem[];
}

type Switch = 'yes' | 'force' | 'dryRun' | 'noInstall' | 'noGit' | 'help' | 'version';
type Valued = 'answers' | 'packageSpec' | 'environment' | 'preset';

/** A flag of the CLI: a setting from the registry, a switch, or an option with a value. */
type Flag =
  | { readonly kind: 'setting'; readonly spec: SettingSpec; readonly value?: boolean }
  | { readonly kind: 'switch'; readonly name: Switch }
  | { readonly kind: 'valued'; readonly name: Valued };

/** The short forms. */
const ALIASES: Record<string, string> = {
  '-t': '--topology',
  '-y': '--yes',
  '-h': '--help',
  '-v': '--version',
};

/** Every long flag, built from the settings registry plus the CLI's own options. */
export const FLAGS: ReadonlyMap<string, Flag> = new Map<string, Flag>([
  ...SETTINGS.flatMap((spec): Array<[string, Flag]> => spec.kind === 'boolean'
    ? [
      [spec.flag, { kind: 'setting', spec, value: true }],
      [`--no-${spec.flag.slice(2)}`, { kind: 'setting', spec, value: false }],
    ]
    : [[spec.flag, { kind: 'setting', spec }]]),
  ['--yes', { kind: 'switch', name: 'yes' }],
  ['--answers', { kind: 'valued', name: 'answers' }],
  ['--force', { kind: 'switch', name: 'force' }],
  ['--dry-run', { kind: 'switch', name: 'dryRun' }],
  ['--no-install', { kind: 'switch', name: 'noInstall' }],
  ['--no-git', { kind: 'switch', name: 'noGit' }],
  ['--package-spec', { kind: 'valued', name: 'packageSpec' }],
  ['--environment', { kind: 'valued', name: 'environment' }],
  ['--preset', { kind: 'valued', name: 'preset' }],
  ['--help', { kind: 'switch', name: 'help' }],
  ['--version', { kind: 'switch', name: 'version' }],
]);

/** Splits a comma-separated list: items trimmed, empty items dropped. */
export function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Trims the directory and drops trailing slashes (as create-vite does); `/` stays `/`. */
export function formatTargetDir(directory: string): string {
  const trimmed = directory.trim();
  return trimmed.replace(/[/\\]+$/, '') || (trimmed ? trimmed[0] : '');
}

/** "did you mean" for a mistyped flag: edit distance, camelCase spelled out, or a prefix. */
export function suggestFlag(flag: string): string | undefined {
  const known = [...FLAGS.keys()];
  const kebab = flag.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const dashed = kebab.startsWith('--') ? kebab : `--${kebab.replace(/^-+/, '')}`;
  return closest(flag, known) ?? closest(dashed, known) ??
    (dashed.length > 3 ? known.find((candidate) => candidate.startsWith(dashed)) : undefined);
}

/**
 * Parses `create-hybrid-serverless [directory] [options]`: `--flag value`, `--flag=value`,
 * short aliases, `--` to end the options. Collects every problem instead of stopping at the
 * first, so one run reports them all.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const problems: Problem[] = [];
  const settings: Partial<Record<SettingKey, unknown>> = {};
  const settingFlag: Partial<Record<SettingKey, string>> = {};
  const switches = new Set<Switch>();
  const valued: Partial<Record<Valued, string>> = {};
  const positionals: string[] = [];

  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }

    const eq = arg.indexOf('=');
    const typed = eq > 0 ? arg.slice(0, eq) : arg;
    const name = ALIASES[typed] ?? typed;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const flag = FLAGS.get(name);
    if (!flag) {
      const hint = suggestFlag(typed);
      problems.push({ label: typed, message: `unknown option.${hint ? ` Did you mean ${hint}?` : ''}` });
      // `--domian x`: the x is the mistyped flag's value, not a second directory.
      const meant = hint ? FLAGS.get(hint) : undefined;
      if (inline === undefined && meant && takesValue(meant) && argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) i++;
      continue;
    }

    if (flag.kind === 'switch' || (flag.kind === 'setting' && flag.value !== undefined)) {
      if (inline !== undefined) {
        const alternative = flag.kind === 'setting' ? ` (use ${flag.spec.flag} or --no-${flag.spec.flag.slice(2)})` : '';
        problems.push({ label: typed, message: `takes no value, but got ${brief(inline)}${alternative}.` });
        continue;
      }
      if (flag.kind === 'switch') {
        switches.add(flag.name);
      } else {
        record(flag.spec, flag.value, name);
      }
      continue;
    }

    let value = inline;
    if (value === undefined) {
      // A following option is not a value: `--domain --yes` means the value was forgotten.
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        problems.push({ label: typed, message: `needs a value${example(flag)}.` });
        continue;
      }
      value = next;
      i++;
    }
    if (flag.kind === 'valued') {
      if (valued[flag.name] !== undefined && valued[flag.name] !== value) {
        problems.push({ label: name, message: `given twice (${brief(valued[flag.name])} and ${brief(value)}); give it once.` });
      }
      valued[flag.name] = value;
    } else {
      record(flag.spec, flag.spec.kind === 'list' ? splitList(value) : value, name);
    }
  }

  function record(spec: SettingSpec, value: unknown, name: string) {
    const previous = settings[spec.key];
    if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(value)) {
      problems.push({
        label: spec.flag,
        message: `given twice (${settingFlag[spec.key]} ${brief(previous)} and ${name} ${brief(value)}); give it once.`,
      });
    }
    settings[spec.key] = value;
    settingFlag[spec.key] = name;
  }

  if (positionals.length > 1) {
    problems.push({
      label: 'arguments',
      message: `expected one directory, got ${positionals.length}: ${positionals.slice(0, 5).map((p) => brief(p)).join(', ')}. ` +
        'Options start with "--"; a list is one comma-separated value, e.g. --subnet-ids subnet-a,subnet-b.',
    });
  }

  return {
    args: {
      directory: positionals[0],
      settings,
      yes: switches.has('yes'),
      answers: valued.answers,
      force: switches.has('force'),
      dryRun: switches.has('dryRun'),
      install: !switches.has('noInstall'),
      git: !switches.has('noGit'),
      packageSpec: valued.packageSpec,
      environment: valued.environment,
      preset: valued.preset,
      help: switches.has('help'),
      version: switches.has('version'),
    },
    problems,
  };
}

function takesValue(flag: Flag): boolean {
  return flag.kind === 'valued' || (flag.kind === 'setting' && flag.value === undefined);
}

/** What a flag's value looks like, for `--help` and "needs a value" messages. */
export function metavar(spec: SettingSpec): string {
  if (spec.choices) return `<${spec.choices.map((c) => c.value).join('|')}>`;
  return spec.metavar ?? (spec.kind === 'list' ? '<a,b,…>' : '<value>');
}

function example(flag: Flag): string {
  if (flag.kind === 'setting') return ` ${metavar(flag.spec)}`;
  if (flag.name === 'preset') return ' <npm spec|path>, e.g. @acme/hybrid-preset';
  return flag.name === 'answers' ? ' <file.json>' : ' <npm spec>, e.g. ^1.0.0 or file:/path/to/package.tgz';
}
