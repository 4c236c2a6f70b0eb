import * as fs from 'fs';
import * as path from 'path';
import { ResolvedSettings, SETTINGS, withDefaults } from '../settings';
import { checkProjectName, show } from '../validate';
import { DEFAULT_DIRECTORY, formatTargetDir, parseArgs } from './args';
import { Generator, writeProject } from './create';
import { helpText } from './help';
import { answerLabel, Answers, isWanted, mergeSettings, normalizePackageSpec, readAnswers, settingsProblems, valuesOf } from './inputs';
import { COMMIT_MESSAGE, initGit, installProject, packageManagerFrom } from './install';
import { finishCommand, nextSteps } from './next-steps';
import { Ask, askMissing } from './questions';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { bold, CancelledError, CliError, CLI_NAME, dim, EXIT, green, Problem, red, UsageError, yellow } from './ui';

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
      context.err(error instanceof CancelledError ? yellow(error.message, process.stderr) : red(error.message, process.stderr));
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
  // settings not given take their defaults, so the whole set is checked now.
  problems.push(...settingsProblems(given, !interactive));

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
      warn: (text) => context.err(red(text, process.stderr)),
    });
    directory = asked.directory ?? directory;
    given = asked.settings;
  }
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

  // 9. Generate beside the target, then move into place (or only list, for --dry-run).
  out(`${args.dryRun ? 'Would create' : 'Creating'} ${bold(name)} in ${targetPath} ${dim(`(${summary(settings)})`)}`);
  const written = await writeProject({
    targetPath,
    name,
    settings,
    packageSpec,
    packageManager: pm,
    dryRun: args.dryRun,
    generator: context.generator,
  });
  if (args.dryRun) {
    out(`${written.files.length} files would be written${written.existing.length ? ` (${written.existing.length} over existing files, marked *)` : ''}:`);
    for (const file of written.files) out(`  ${written.existing.includes(file) ? '* ' : ''}${file}`);
    out('Dry run: nothing was written.');
    return EXIT.ok;
  }
  out(green(`Wrote ${written.files.length} files${written.existing.length ? ` (${written.existing.length} replaced)` : ''}.`));

  // 10. Install, and let projen pin what it resolved.
  if (args.install) {
    out(`Installing dependencies with ${pm}…`);
    const outcome = await whileIgnoringSigint(() => installProject(targetPath, pm));
    if (outcome.failed) {
      throw new CliError([
        `${outcome.interrupted ? 'Interrupted' : 'Failed'}: "${outcome.failed.join(' ')}" did not complete.`,
        `The project files are in ${targetPath} and were kept. To finish, run:`,
        `  ${finishCommand(targetPath, cwd, pm)}`,
        ...(args.git ? [`and then, for a repository: git init && git add -A && git commit -m "${COMMIT_MESSAGE}"`] : []),
      ].join('\n'), outcome.interrupted ? EXIT.cancelled : EXIT.failed);
    }
  }

  // 11. A repository with one commit.
  if (args.git) {
    const outcome = await initGit(targetPath);
    out(outcome.done ? 'Created a git repository with one commit.' : yellow(`Note: ${outcome.note}`));
  }

  // 12. What to do next.
  out(green(`\nDone: ${name} is ready.`));
  out(nextSteps({ targetPath, cwd, pm, installed: args.install, settings }));
  return EXIT.ok;
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

function summary(settings: ResolvedSettings): string {
  const topology = SETTINGS[0].choices?.find((choice) => choice.value === settings.topology)?.title ?? settings.topology;
  return `${topology}, ${settings.frontend ? 'with a frontend' : 'API only'}, ${show(settings.domain)}`;
}

/** Ctrl-C during the install reaches the child; we stay to say how to finish. */
async function whileIgnoringSigint<T>(work: () => Promise<T>): Promise<T> {
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  try {
    return await work();
  } finally {
    process.off('SIGINT', ignore);
  }
}

/** The entry point of `bin/create-hybrid-serverless`. */
export async function main(): Promise<void> {
  const code = await run(process.argv.slice(2), {
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY),
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}
