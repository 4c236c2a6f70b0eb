import * as fs from 'fs';
import * as path from 'path';
import type { PackageManagerName } from '../generate';
import { HybridServerlessSettings } from '../options';
import { presetSource } from '../preset/load';
import { isAuthOn, placeholdersIn, Resolution, resolve, SETTING_KEYS, SETTINGS, withDefaults } from '../settings';
import { TOPOLOGIES } from '../topologies';
import { checkProjectName, show } from '../validate';
import { CliArgs, DEFAULT_DIRECTORY, formatTargetDir, ParsedArgs } from './args';
import { writeProject, WriteResult } from './create';
import { discover } from './discovery';
import {
  answerLabel, GivenSettings, isWanted, mergeSettings, normalizePackageSpec, readAnswers, settingsProblems, valuesOf,
} from './inputs';
import { COMMIT_MESSAGE, commandsFor, initGit, installProject, packageManagerFrom } from './install';
import type { Context } from './main';
import { cdCommand, finishCommand, installOnlyCommand, nextSteps } from './next-steps';
import { CliPreset, fetchPreset } from './preset';
import { askAuth, askEnvironmentName, askMissing, askWithPrompts, parseYesNo, yesNoQuestion } from './questions';
import { setInterruptMessage } from './signals';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { bold, CancelledError, CliError, dim, EXIT, fit, green, Problem, red, shellQuote, UsageError, yellow } from './ui';

/**
 * The CLI's stages, each a function from what the one before found to what the next needs:
 * parse (args.ts) → gather → ask → plan (settings resolved once) → confirm → write → install →
 * report. Nothing touches the disk before `write`; every problem with the input is found before
 * anything is asked or written, and reported at once.
 */

/** 2. What the command line and the answers file give, every value checked. */
export interface Gathered {
  readonly args: CliArgs;
  /** Whether questions are asked: a terminal, and neither `--yes` nor `--answers`. */
  readonly interactive: boolean;
  readonly directory?: string;
  /** The project name, when the answers file gives one. */
  readonly name?: string;
  /** What the new repo installs this package from. */
  readonly packageSpec: string;
  /** Every setting given, with where it came from (flags over the answers file, both over the preset's defaults). */
  readonly given: GivenSettings;
  /** The company preset (`--preset`). */
  readonly preset?: CliPreset;
}

/** 4. What will be written: the target, the name, and the settings resolved once. */
export interface Plan {
  readonly args: CliArgs;
  readonly interactive: boolean;
  readonly directory: string;
  readonly targetPath: string;
  readonly name: string;
  readonly packageSpec: string;
  readonly pm: PackageManagerName;
  /** The settings as given (answers file, flags, questions): what the generator writes into `.projenrc.ts`. */
  readonly settings: HybridServerlessSettings;
  /** The same, resolved: defaults applied, environments resolved. */
  readonly resolution: Resolution;
  readonly preset?: CliPreset;
}

/**
 * 1b. `--preset`: fetched and loaded before anything is asked (its locked values are not asked, its defaults are the
 * questions' defaults). Skipped when the command line is wrong already: those problems are reported first.
 */
export async function preset(parsed: ParsedArgs, context: Context): Promise<CliPreset | undefined> {
  const { args, problems } = parsed;
  if (args.preset === undefined || problems.length > 0 || args.help || args.version) return undefined;
  if (args.preset.trim() === '') throw new UsageError([{ label: '--preset', message: 'needs a preset: an npm package such as @acme/hybrid-preset, or a path.' }]);
  context.out(dim(`Reading the preset ${args.preset} …`));
  return (context.fetchPreset ?? fetchPreset)(args.preset.trim(), context.cwd);
}

/**
 * Gathers the answers file, the directory, the project name, the package spec and the settings
 * given, and checks each. Without prompts the settings not given take their defaults, so the
 * whole set is checked now. Throws a `UsageError` listing every problem.
 */
export function gather({ args, problems: parseProblems }: ParsedArgs, context: Context, version: string, fetched?: CliPreset): Gathered {
  const { cwd } = context;
  const problems: Problem[] = [...parseProblems];
  let answers: ReturnType<typeof readAnswers>['answers'] = { settings: {} };
  if (args.answers !== undefined) {
    const read = readAnswers(args.answers, cwd);
    answers = read.answers;
    problems.push(...read.problems);
  }
  const given = mergeSettings(args.settings, answers.settings, args.answers);
  // The first environment's name: one environment, named.
  if (args.environment !== undefined) {
    if (given.environments) {
      problems.push({ label: '--environment', message: `cannot be combined with "environments" in ${args.answers}; give the environments in one place.` });
    }
    given.environments = { value: [{ name: args.environment }], label: '--environment' };
  }
  const interactive = context.interactive && !args.yes && args.answers === undefined;
  if (fetched) problems.push(...withPreset(given, fetched));

  // The directory and the project name; a name given outright is used as is, or refused: never silently changed.
  const directory = args.directory !== undefined ? formatTargetDir(args.directory) : directoryFromName(answers.name);
  let name: string | undefined;
  if (answers.name !== undefined) {
    const problem = checkProjectName(answers.name);
    if (problem) problems.push({ label: answerLabel(args.answers!, 'name'), message: problem });
    else name = answers.name as string;
  }
  if (directory !== undefined) problems.push(...directoryProblems(directory, cwd, args.force, name === undefined));

  let packageSpec = `^${version}`;
  if (args.packageSpec !== undefined) {
    const spec = normalizePackageSpec(args.packageSpec, cwd);
    if (spec.problem) problems.push({ label: '--package-spec', message: spec.problem });
    else packageSpec = spec.spec!;
  }

  problems.push(...settingsProblems(given, !interactive));

  // Without a terminal nothing can be asked: say what to pass instead of waiting.
  if (!context.interactive && !args.yes && args.answers === undefined) {
    const missing = [
      ...(directory === undefined ? ['[directory]'] : []),
      ...SETTINGS.filter((spec) => !given[spec.key] && !spec.optional && spec.ask !== false && isWanted(spec, given))
        .map((spec) => spec.kind === 'boolean' ? `${spec.flag} | --no-${spec.flag.slice(2)}` : spec.flag),
    ];
    if (missing.length > 0) {
      problems.push({
        label: 'stdin',
        message: 'is not a terminal, so nothing can be asked. Pass --yes (defaults for everything not given) or ' +
          `--answers <file.json>, or give every setting: ${missing.join(', ')}.`,
      });
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return { args, interactive, directory, name, packageSpec, given, preset: fetched };
}

/**
 * Adds the preset's values to what was given: a locked value given otherwise is a problem naming the preset (a
 * repeat of it is fine); a default stays the preset's unless given.
 */
function withPreset(given: GivenSettings, { preset: loaded }: CliPreset): Problem[] {
  const problems: Problem[] = [];
  const source = presetSource(loaded.name);
  for (const key of SETTING_KEYS) {
    const locked = (loaded.locked as Record<string, unknown>)[key];
    const fallback = (loaded.defaults as Record<string, unknown>)[key];
    const mine = given[key];
    if (locked !== undefined) {
      if (mine && JSON.stringify(mine.value) !== JSON.stringify(locked)) {
        problems.push({ label: mine.label, message: `${show(mine.value)} differs from ${show(locked)}, which ${source} locks; leave it out (the preset's value applies).` });
      }
      given[key] = { value: locked, label: `${key} (locked by ${source})`, preset: 'locked' };
    } else if (fallback !== undefined && !mine) {
      given[key] = { value: fallback, label: `${key} (from ${source})`, preset: 'default' };
    }
  }
  return problems;
}

/** What was given on the command line, in the answers file and the terminal: not the preset's values. */
function ownValues(given: GivenSettings): GivenSettings {
  return Object.fromEntries(Object.entries(given).filter(([, entry]) => !entry.preset)) as GivenSettings;
}

/**
 * In a terminal, asks for the directory and every setting not given, in registry order: the
 * flag-and-question settings, the sign-in where there is a load balancer, the first environment's name.
 */
export async function ask(gathered: Gathered, context: Context): Promise<Gathered> {
  if (!gathered.interactive) return gathered;
  const { args, given: before } = gathered;
  const asked = await askMissing({
    askDirectory: gathered.directory === undefined,
    given: before,
    cwd: context.cwd,
    force: args.force,
    ask: context.ask,
    warn: (text) => context.err(red(fit(text, process.stderr), process.stderr)),
    note: context.out,
  });
  const given = { ...asked.settings };
  const so = withDefaults(valuesOf(given));
  if (!given.auth && TOPOLOGIES[so.topology]?.signIn) {
    const auth = await askAuth({
      region: so.region,
      domain: so.domain,
      ask: context.ask,
      note: context.out,
      discover: context.discover ?? ((issuer: string) => discover(issuer, { env: context.env })),
    });
    if (auth) given.auth = { value: auth, label: 'auth' };
  }
  if (!given.environments) {
    given.environments = { value: [{ name: await askEnvironmentName(context.ask) }], label: 'environments' };
  }
  return { ...gathered, directory: asked.directory ?? gathered.directory, given };
}

/**
 * Checks everything once more, as it will be used (a question's check can be bypassed, the disk
 * can change), names the project, and resolves the settings once.
 */
export function plan(gathered: Gathered, context: Context): Plan {
  const { args, given } = gathered;
  const directory = gathered.directory ?? DEFAULT_DIRECTORY;
  const final = [...settingsProblems(given, true), ...directoryProblems(directory, context.cwd, args.force, gathered.name === undefined)];
  if (final.length > 0) throw new UsageError(final);
  const targetPath = path.resolve(context.cwd, directory);
  let name = gathered.name;
  if (name === undefined) {
    const derived = projectNameFor(targetPath);
    if (derived.note) context.out(yellow(derived.note));
    name = derived.name!;
  }
  const settings = valuesOf(ownValues(given));
  const resolution = resolve([...(gathered.preset ? [gathered.preset.preset.layer] : []), { source: 'the CLI', values: settings }]);
  // What only the whole can show: an environment that sets a value the preset locks.
  const locks = resolution.problems.filter((problem) => gathered.preset && problem.message.includes('locks it to'));
  if (locks.length > 0) throw new UsageError(locks.map((problem) => ({ label: problem.key, message: problem.message })));
  return {
    args,
    interactive: gathered.interactive,
    directory,
    targetPath,
    name,
    packageSpec: gathered.packageSpec,
    pm: packageManagerFrom(context.env.npm_config_user_agent),
    settings,
    resolution,
    preset: gathered.preset,
  };
}

/** In a terminal, every answer once more, and one confirmation before anything is written (a dry run only shows them). */
export async function confirm(planned: Plan, context: Context): Promise<void> {
  if (!planned.interactive) return;
  context.out(summaryOf(planned));
  if (planned.args.dryRun) return;
  const question = yesNoQuestion(`Write the project ${planned.args.force ? 'into' : 'to'} ${planned.directory}?`, true);
  const answer = await (context.ask ?? askWithPrompts)(question);
  if (answer === undefined || !parseYesNo(answer, true)) throw new CancelledError();
}

/** Generates beside the target, then moves it into place (or, for `--dry-run`, only lists what would be written). */
export async function write(planned: Plan, context: Context): Promise<WriteResult> {
  const { args, name, targetPath, resolution } = planned;
  context.out(`${args.dryRun ? 'Would create' : 'Creating'} ${bold(name)} in ${targetPath} ${dim(`(${summary(resolution)})`)}`);
  const written = await writeProject({
    targetPath,
    name,
    settings: planned.settings,
    packageSpec: planned.packageSpec,
    packageManager: planned.pm,
    preset: planned.preset,
    dryRun: args.dryRun,
    force: args.force,
    generator: context.generator,
  });
  const { out } = context;
  if (args.dryRun) {
    out(`${written.written.length} files would be written${existingNote(written, true)}:`);
    for (const file of written.files) out(`  ${marker(written, file)}${file}`);
    out('Dry run: nothing was written.');
    return written;
  }
  out(green(`Wrote ${written.written.length} files${existingNote(written, false)}.`));
  if (written.kept.length > 0) {
    out(yellow(`Kept ${written.kept.length} of your files, which differ from what the project has (yours are unchanged):`));
    for (const file of written.kept) out(`  ${file}${file === '.gitignore' && written.gitignoreMerged ? ' (the entries the project needs were added at its end)' : ''}`);
    out(yellow('To see ours, create the project with the same options in an empty directory and compare.'));
  }
  return written;
}

/**
 * Installs, and lets projen pin what it resolved (with `--force` projen is not run: it rewrites
 * its managed files and removes build output); then a repository with one commit (with
 * `--force`, of the files this run created). A failure keeps the files and says how to finish.
 */
export async function install(planned: Plan, written: WriteResult, context: Context): Promise<void> {
  const { args, targetPath, pm } = planned;
  const { cwd, out } = context;
  const lockfilesBefore = LOCKFILES.filter((file) => fs.existsSync(path.join(targetPath, file)));
  const gitStep = `${[cdCommand(targetPath, cwd), gitCommand(written, args.force)].filter(Boolean).join(' && ')}`;
  const finish = (what: string, steps: { install: boolean }) => [
    what,
    `The project files are in ${targetPath} and were kept. To finish, run:`,
    ...(steps.install ? [`  ${args.force ? installOnlyCommand(targetPath, cwd, pm) : finishCommand(targetPath, cwd, pm)}`] : []),
    ...(args.git ? [`${steps.install ? 'and then, for a repository:\n' : ''}  ${gitStep}`] : []),
  ].join('\n');
  if (args.install) {
    setInterruptMessage(() => finish('Interrupted: the install did not complete.', { install: true }));
    const outcome = await installProject(targetPath, pm, { installOnly: args.force });
    if (outcome.failed) {
      const failed = outcome.failed.join(' ');
      throw new CliError(finish(outcome.notFound
        ? `"${failed}" could not run: ${outcome.failed[0]} was not found on the PATH. Install Node.js with npm (https://nodejs.org)` +
          `${pm === 'npm' ? '' : ` and ${pm}`}, then finish below.`
        : `Failed: "${failed}" did not complete.`, { install: true }), EXIT.failed);
    }
    if (args.force) out(yellow(`Note: "${commandsFor(pm).exec('projen').join(' ')}" was not run, as it rewrites the files it manages; run it once you have reviewed the kept files.`));
  }
  if (args.git) {
    setInterruptMessage(() => finish('Interrupted while creating the git repository.', { install: false }));
    const newLockfiles = LOCKFILES.filter((file) => !lockfilesBefore.includes(file) && fs.existsSync(path.join(targetPath, file)));
    const outcome = await initGit(targetPath, args.force ? [...written.written, ...newLockfiles] : undefined);
    if (outcome.done) out(`Created a git repository with one commit${args.force ? ' of the files this run created' : ''}.`);
    else out(yellow(`Note: ${outcome.note}${outcome.missing ? ` Install git, then run:\n  ${gitStep}` : ''}`));
  }
}

/** What to do next: the commands in the package manager's words, and the placeholders left. */
export function report(planned: Plan, context: Context): void {
  const { args, name, targetPath, pm, resolution } = planned;
  setInterruptMessage(() => `Interrupted: ${name} is in ${targetPath}.`);
  context.out(green(`\nDone: ${name} is ready.`));
  context.out(nextSteps({
    targetPath,
    cwd: context.cwd,
    pm,
    installed: args.install && !args.force,
    settings: resolution.settings,
    environments: resolution.environments.map((environment) => environment.name),
  }));
}

/** How the existing files fared: "(3 already there, kept …)". */
function existingNote(result: WriteResult, dryRun: boolean): string {
  const parts = [
    ...(result.identical.length ? [`${result.identical.length} already there and the same (marked =)`] : []),
    ...(result.kept.length ? [`${result.kept.length} already there and different: ${dryRun ? 'would be' : ''} kept as they are (marked *)`.replace('  ', ' ')] : []),
  ];
  return parts.length ? `; ${parts.join(', ')}` : '';
}

function marker(result: WriteResult, file: string): string {
  if (result.kept.includes(file)) return '* ';
  return result.identical.includes(file) ? '= ' : '';
}

/** The lockfiles an install writes. */
const LOCKFILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'];

function gitCommand(result: WriteResult, force: boolean): string {
  const add = force ? `git add -- ${result.written.map(shellQuote).join(' ')}` : 'git add -A';
  return `git init && ${add} && git commit -m "${COMMIT_MESSAGE}"`;
}

/** The project directory named after a project name from the answers file (its last part). */
function directoryFromName(name: unknown): string | undefined {
  if (typeof name !== 'string' || checkProjectName(name)) return undefined;
  return name.replace(/^@[^/]+\//, '');
}

function directoryProblems(directory: string, cwd: string, force: boolean, nameFromDirectory: boolean): Problem[] {
  const problem = directoryProblem(directory);
  if (problem) return [{ label: 'directory', message: problem }];
  const targetPath = path.resolve(cwd, directory);
  const problems: Problem[] = [];
  const naming = nameFromDirectory ? projectNameFor(targetPath).problem : undefined;
  if (naming) problems.push({ label: 'directory', message: naming });
  const where = targetProblem(targetPath, force);
  if (where) problems.push({ label: 'directory', message: where });
  return problems;
}

/** Every setting as it will be written, the placeholders marked, for the confirmation. */
function summaryOf(planned: Plan): string {
  const { targetPath, resolution } = planned;
  const { settings, environments } = resolution;
  const placeholders = placeholdersIn(settings);
  const rows: Array<[string, string]> = [['directory', targetPath], ['environments', environments.map((e) => e.name).join(', ')],
    ...SETTINGS.flatMap((spec): Array<[string, string]> => {
      const value = settings[spec.key];
      if (value === undefined) return [];
      const shown = spec.kind === 'boolean' ? (value ? 'yes' : 'no')
        : spec.choices?.find((choice) => choice.value === value)?.title ?? (Array.isArray(value) ? value.join(', ')
          : typeof value === 'object' ? Object.entries(value).map(([key, item]) => `${key}=${item}`).join(', ') : String(value));
      const fromPreset = planned.preset && resolution.sources[spec.key] === planned.preset.preset.layer.source
        ? dim(` (${planned.preset.preset.locked[spec.key] !== undefined ? 'locked by' : 'from'} the preset)`) : '';
      return [[spec.key, `${shown}${placeholders.includes(spec.key) ? yellow(' (placeholder)') : ''}${fromPreset}`]];
    }),
    ['sign-in', isAuthOn(settings.auth) ? `${settings.auth.issuer} (client ${settings.auth.clientId}, secret ${settings.auth.clientSecret})` : 'no']];
  const width = Math.max(...rows.map(([key]) => key.length)) + 2;
  return ['', bold('Summary:'), ...rows.map(([key, value]) => `  ${key.padEnd(width)}${value}`)].join('\n');
}

function summary({ settings }: Resolution): string {
  const topology = TOPOLOGIES[settings.topology]?.menu.title ?? settings.topology;
  return `${topology}, ${settings.frontend ? 'with a frontend' : 'API only'}, ${show(settings.domain)}`;
}

