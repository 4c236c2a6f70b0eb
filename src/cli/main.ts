import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentSettings, OidcAuthSettings } from '../options';
import { DEFAULT_ENVIRONMENT, isAuthOn, placeholdersIn, ResolvedSettings, SETTINGS, withDefaults } from '../settings';
import { TOPOLOGIES } from '../topologies';
import { checkProjectName, show } from '../validate';
import { DEFAULT_DIRECTORY, formatTargetDir, parseArgs } from './args';
import { Generator, writeProject, WriteResult } from './create';
import { Discover, discover } from './discovery';
import { helpText } from './help';
import { answerLabel, Answers, authProblems, environmentsProblems, isWanted, mergeSettings, normalizePackageSpec, readAnswers, settingsProblems, valuesOf } from './inputs';
import { COMMIT_MESSAGE, commandsFor, initGit, installProject, packageManagerFrom } from './install';
import { cdCommand, finishCommand, installOnlyCommand, nextSteps } from './next-steps';
import { Ask, askAuth, askEnvironmentName, askMissing, askWithPrompts, parseYesNo, yesNoQuestion } from './questions';
import { listenForSignals, setInterruptMessage } from './signals';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { bold, CancelledError, CliError, CLI_NAME, dim, EXIT, fit, green, Problem, red, shellQuote, UsageError, yellow } from './ui';

/** What the CLI runs in; tests replace parts of it. */
export interface Context {
  readonly cwd: string;
  /** Whether questions can be asked (stdin is a terminal). */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** @default - prompts */
  readonly ask?: Ask;
  /** @default - `generate` from `../generate` */
  readonly generator?: Generator;
  /** Reads an identity provider's discovery document. @default - `discover` from ./discovery, proxied as `env` says */
  readonly discover?: Discover;
}

/** This package's version, from its package.json (two levels up from lib/cli or src/cli). */
export function ownVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  return String(manifest.version);
}

/**
 * The whole CLI, one step after the other. Every answer is gathered and checked before the
 * disk is touched; returns the exit code.
 */
export async function run(argv: readonly string[], context: Context): Promise<number> {
  try {
    return await create(argv, context);
  } catch (error) {
    if (error instanceof CliError) {
      // Problems with the input are wrapped to the terminal's width, whole (commands to paste stay whole).
      const message = error instanceof UsageError ? fit(error.message, process.stderr) : error.message;
      context.err(error instanceof CancelledError ? yellow(message, process.stderr) : red(message, process.stderr));
      return error.exitCode;
    }
    context.err(red(`${CLI_NAME} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`, process.stderr));
    return EXIT.failed;
  }
}

async function create(argv: readonly string[], context: Context): Promise<number> {
  const { cwd, out } = context;

  // 1. The command line.
  const { args, problems } = parseArgs(argv);
  if (args.help) {
    out(helpText(ownVersion()));
    return EXIT.ok;
  }
  if (args.version) {
    out(ownVersion());
    return EXIT.ok;
  }

  // 2. The answers file; flags override it.
  let answers: Answers = { settings: {} };
  if (args.answers !== undefined) {
    const read = readAnswers(args.answers, cwd);
    answers = read.answers;
    problems.push(...read.problems);
  }
  let given = mergeSettings(args.settings, answers.settings, args.answers);
  const interactive = context.interactive && !args.yes && args.answers === undefined;

  // 3. The directory and the project name.
  let directory = args.directory !== undefined ? formatTargetDir(args.directory) : directoryFromName(answers.name);
  let name: string | undefined;
  if (answers.name !== undefined) {
    // A name given outright is used as is, or refused: never silently changed.
    const problem = checkProjectName(answers.name);
    if (problem) problems.push({ label: answerLabel(args.answers!, 'name'), message: problem });
    else name = answers.name as string;
  }
  if (directory !== undefined) problems.push(...directoryProblems(directory, cwd, args.force, name === undefined));

  // 4. What the new repo installs this package from.
  let packageSpec = `^${ownVersion()}`;
  if (args.packageSpec !== undefined) {
    const spec = normalizePackageSpec(args.packageSpec, cwd);
    if (spec.problem) problems.push({ label: '--package-spec', message: spec.problem });
    else packageSpec = spec.spec!;
  }

  // 5. The settings given, each checked by the registry's validator. Without prompts, the
  // settings not given take their defaults, so the whole set is checked now. The environments:
  // the answers file's list, or the first one's name (--environment, or asked; default dev).
  problems.push(...settingsProblems(given, !interactive));
  if (answers.environments !== undefined && args.environment !== undefined) {
    problems.push({ label: '--environment', message: `cannot be combined with "environments" in ${args.answers}; give the environments in one place.` });
  }
  const environmentsGiven = answers.environments !== undefined ? { value: answers.environments, label: args.answers! }
    : args.environment !== undefined ? { value: [{ name: args.environment }], label: '--environment' } : undefined;
  if (environmentsGiven) {
    problems.push(...environmentsProblems(given, environmentsGiven.value, environmentsGiven.label)
      .map((problem) => (environmentsGiven.label === '--environment' ? { ...problem, label: '--environment' } : problem)));
  }

  if (answers.auth !== undefined) problems.push(...authProblems(given, answers.auth, args.answers!));

  // 6. Without a terminal nothing can be asked: say what to pass instead of waiting.
  if (!context.interactive && !args.yes && args.answers === undefined) {
    const missing = [
      ...(directory === undefined ? ['[directory]'] : []),
      ...SETTINGS.filter((spec) => !given[spec.key] && !spec.optional && isWanted(spec, given))
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

  // 7. Ask for the rest, in a terminal.
  if (interactive) {
    const asked = await askMissing({
      askDirectory: directory === undefined,
      given,
      cwd,
      force: args.force,
      ask: context.ask,
      warn: (text) => context.err(red(fit(text, process.stderr), process.stderr)),
      note: out,
    });
    directory = asked.directory ?? directory;
    given = asked.settings;
  }
  // The sign-in: the answers file's, or asked where there is a load balancer to sign in at.
  let auth = answers.auth as OidcAuthSettings | false | undefined;
  if (interactive && auth === undefined && TOPOLOGIES[withDefaults(valuesOf(given)).topology]?.signIn) {
    const { region, domain } = withDefaults(valuesOf(given));
    const discoverWith = context.discover ?? ((issuer: string) => discover(issuer, { env: context.env }));
    auth = await askAuth({ region, domain, ask: context.ask, note: out, discover: discoverWith });
  }
  const environments = environmentsGiven?.value as EnvironmentSettings[] | undefined
    ?? [{ name: interactive ? await askEnvironmentName(context.ask) : DEFAULT_ENVIRONMENT }];
  directory ??= DEFAULT_DIRECTORY;
  const targetPath = path.resolve(cwd, directory);

  // 8. Everything once more, as it will be used: prompts can be bypassed, the disk can change.
  const final = [...settingsProblems(given, true), ...directoryProblems(directory, cwd, args.force, name === undefined)];
  if (final.length > 0) throw new UsageError(final);
  if (name === undefined) {
    const derived = projectNameFor(targetPath);
    if (derived.note) out(yellow(derived.note));
    name = derived.name!;
  }
  const settings = withDefaults(valuesOf(given));
  const pm = packageManagerFrom(context.env.npm_config_user_agent);

  // 8b. In a terminal, every answer once more, and one confirmation before anything is written
  // (a dry run writes nothing, so it only shows them).
  if (interactive) out(summaryOf(targetPath, settings, environments, auth));
  if (interactive && !args.dryRun) {
    const answer = await (context.ask ?? askWithPrompts)(yesNoQuestion(`Write the project ${args.force ? 'into' : 'to'} ${directory}?`, true));
    if (answer === undefined || !parseYesNo(answer, true)) throw new CancelledError();
  }

  // 9. Generate beside the target, then move into place (or only list, for --dry-run).
  out(`${args.dryRun ? 'Would create' : 'Creating'} ${bold(name)} in ${targetPath} ${dim(`(${summary(settings)})`)}`);
  const written = await writeProject({
    targetPath,
    name,
    settings: { ...settings, environments, ...(auth === undefined ? {} : { auth }) },
    packageSpec,
    packageManager: pm,
    dryRun: args.dryRun,
    force: args.force,
    generator: context.generator,
  });
  if (args.dryRun) {
    out(`${written.written.length} files would be written${existingNote(written, true)}:`);
    for (const file of written.files) out(`  ${marker(written, file)}${file}`);
    out('Dry run: nothing was written.');
    return EXIT.ok;
  }
  out(green(`Wrote ${written.written.length} files${existingNote(written, false)}.`));
  if (written.kept.length > 0) {
    out(yellow(`Kept ${written.kept.length} of your files, which differ from what the project has (yours are unchanged):`));
    for (const file of written.kept) out(`  ${file}${file === '.gitignore' && written.gitignoreMerged ? ' (the entries the project needs were added at its end)' : ''}`);
    out(yellow('To see ours, create the project with the same options in an empty directory and compare.'));
  }

  // 10. Install, and let projen pin what it resolved. With --force, projen is not run: it
  // rewrites its managed files (package.json, .gitignore, …) and removes build output.
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

  // 11. A repository with one commit (with --force: of the files this run created).
  if (args.git) {
    setInterruptMessage(() => finish('Interrupted while creating the git repository.', { install: false }));
    const newLockfiles = LOCKFILES.filter((file) => !lockfilesBefore.includes(file) && fs.existsSync(path.join(targetPath, file)));
    const created = [...written.written, ...newLockfiles];
    const outcome = await initGit(targetPath, args.force ? created : undefined);
    if (outcome.done) out(`Created a git repository with one commit${args.force ? ' of the files this run created' : ''}.`);
    else out(yellow(`Note: ${outcome.note}${outcome.missing ? ` Install git, then run:\n  ${gitStep}` : ''}`));
  }
  setInterruptMessage(() => `Interrupted: ${name} is in ${targetPath}.`);

  // 12. What to do next.
  out(green(`\nDone: ${name} is ready.`));
  out(nextSteps({
    targetPath,
    cwd,
    pm,
    installed: args.install && !args.force,
    settings: withDefaults({ ...settings, auth: auth || undefined }),
    environments: environments.map((e) => e.name),
  }));
  return EXIT.ok;
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
function summaryOf(targetPath: string, settings: ResolvedSettings, environments: readonly EnvironmentSettings[],
  auth: OidcAuthSettings | false | undefined): string {
  const placeholders = placeholdersIn(settings);
  const rows: Array<[string, string]> = [['directory', targetPath], ['environments', environments.map((e) => e.name).join(', ')],
    ...SETTINGS.flatMap((spec): Array<[string, string]> => {
      const value = settings[spec.key];
      if (value === undefined) return [];
      const shown = spec.kind === 'boolean' ? (value ? 'yes' : 'no')
        : spec.choices?.find((choice) => choice.value === value)?.title ?? (Array.isArray(value) ? value.join(', ') : String(value));
      return [[spec.key, `${shown}${placeholders.includes(spec.key) ? yellow(' (placeholder)') : ''}`]];
    }),
    ['sign-in', isAuthOn(auth) ? `${auth.issuer} (client ${auth.clientId}, secret ${auth.clientSecret})` : 'no']];
  const width = Math.max(...rows.map(([key]) => key.length)) + 2;
  return ['', bold('Summary:'), ...rows.map(([key, value]) => `  ${key.padEnd(width)}${value}`)].join('\n');
}

function summary(settings: ResolvedSettings): string {
  const topology = TOPOLOGIES[settings.topology]?.menu.title ?? settings.topology;
  return `${topology}, ${settings.frontend ? 'with a frontend' : 'API only'}, ${show(settings.domain)}`;
}

/** The entry point of `bin/create-hybrid-serverless`. */
export async function main(): Promise<void> {
  const out = lineWriter(process.stdout);
  const err = lineWriter(process.stderr);
  listenForSignals(err);
  const code = await run(process.argv.slice(2), {
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY),
    env: process.env,
    out,
    err,
  });
  process.exitCode = code;
}

/**
 * Writes lines to a stream that may be closed by its reader (`… | head -1`): the CLI does not
 * crash on EPIPE, it carries on (a half-written project would be worse) and writes no more there.
 */
export function lineWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    open = false;
  });
  return (text) => {
    if (open) stream.write(`${text}\n`);
  };
}
