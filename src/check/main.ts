import * as path from 'path';
import type * as TS from 'typescript';

/**
 * `hybrid-serverless-check`: the compile step of a generated repo's build. It type-checks the
 * files of one tsconfig, then lints with eslint's type-aware rules over the same TypeScript
 * program, so that the build reads and binds the million lines of aws-cdk-lib's declarations
 * once instead of twice (`tsc` and `eslint` each build their own program). It reports what
 * `tsc --noEmit -p <tsconfig>` and `eslint <the eslint task's arguments>` would, and fails if
 * either would. TypeScript, eslint and its TypeScript parser are the repo's own.
 */
export const USAGE = 'Usage: hybrid-serverless-check -p <tsconfig> [--fix] [--ext .ts,.tsx] [--no-error-on-unmatched-pattern] <files or directories to lint>';

/** The command line: the tsconfig and the options of projen's eslint task that apply here. */
export interface CheckArgs {
  readonly project: string;
  readonly fix: boolean;
  readonly extensions?: string[];
  readonly errorOnUnmatchedPattern: boolean;
  readonly patterns: string[];
}

/** A command line this tool cannot run; the message says what to change. */
export class CheckUsageError extends Error {}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  let project: string | undefined;
  let fix = false;
  let extensions: string[] | undefined;
  let errorOnUnmatchedPattern = true;
  const patterns: string[] = [];
  const value = (i: number, flag: string): string => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('-')) throw new CheckUsageError(`${flag} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-p' || arg === '--project') project = value(i++, arg);
    else if (arg === '--fix') fix = true;
    else if (arg === '--ext') extensions = value(i++, arg).split(',').filter(Boolean);
    else if (arg === '--no-error-on-unmatched-pattern') errorOnUnmatchedPattern = false;
    else if (arg.startsWith('-')) throw new CheckUsageError(`unknown option ${arg}`);
    else patterns.push(arg);
  }
  if (!project) throw new CheckUsageError('no tsconfig: pass -p <tsconfig>');
  if (patterns.length === 0) throw new CheckUsageError('nothing to lint: name the files or directories');
  return { project, fix, extensions, errorOnUnmatchedPattern, patterns };
}

/** A module of the repo, resolved from `from` (a directory), with a clear error if it is not installed. */
function requireFrom<T>(name: string, from: string): { module: T; file: string } {
  let file: string;
  try {
    file = require.resolve(name, { paths: [from] });
  } catch {
    throw new CheckUsageError(`${name} is not installed in ${from}: run \`npm install\``);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { module: require(file) as T, file };
}

/** What one run found. */
export interface CheckResult {
  readonly typeErrors: number;
  readonly lintErrors: number;
}

/** "1 type error", "2 type errors". */
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Type-checks and lints in `cwd`, writing what it finds to `out` (tsc's and eslint's own formats;
 * `terminal`: whether the output is one, for tsc's colours).
 */
export async function check(args: CheckArgs, cwd: string, out: (text: string) => void, terminal: boolean): Promise<CheckResult> {
  // The TypeScript that eslint's parser uses: a program of another copy would not be recognized.
  const parser = requireFrom<unknown>('@typescript-eslint/parser', cwd);
  const ts = requireFrom<typeof TS>('typescript', path.dirname(parser.file)).module;
  const { loadESLint } = requireFrom<typeof import('eslint')>('eslint', cwd).module;

  const configFile = path.resolve(cwd, args.project);
  const configDiagnostics: TS.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => configDiagnostics.push(diagnostic),
  });
  const formatHost: TS.FormatDiagnosticsHost = {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => cwd,
    getNewLine: () => '\n',
  };
  // As tsc: the tsconfig's `pretty`, else NO_COLOR, FORCE_COLOR, else whether the output is a terminal.
  const pretty = parsed?.options.pretty ?? (process.env.NO_COLOR ? false : process.env.FORCE_COLOR ? true : terminal);
  /** Writes the diagnostics as tsc does, and returns how many are errors. */
  const report = (diagnostics: readonly TS.Diagnostic[]): number => {
    const errors = diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error).length;
    if (diagnostics.length === 0) return errors;
    if (!pretty) {
      out(ts.formatDiagnostics(diagnostics, formatHost));
    } else {
      out(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
      out(`\nFound ${count(errors, 'error')}.\n\n`);
    }
    return errors;
  };
  if (!parsed) return { typeErrors: Math.max(report(configDiagnostics), 1), lintErrors: 0 };

  // What `tsc --noEmit -p` reports, in its order: the tsconfig's, syntax, options, global, then
  // semantic errors; the incremental state (tsBuildInfoFile) is read and written as tsc does.
  const builder = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  const diagnostics = [...builder.getConfigFileParsingDiagnostics()];
  const fromConfig = diagnostics.length;
  diagnostics.push(...builder.getSyntacticDiagnostics());
  if (diagnostics.length === fromConfig) {
    diagnostics.push(...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics());
    if (diagnostics.length === fromConfig) diagnostics.push(...builder.getSemanticDiagnostics());
  }
  diagnostics.push(...builder.emit().diagnostics);
  const typeErrors = report(ts.sortAndDeduplicateDiagnostics(diagnostics));

  // eslint, as the eslint task runs it, with the program above in place of the one it would build.
  const flat = process.env.ESLINT_USE_FLAT_CONFIG !== 'false';
  const ESLint = await loadESLint({ useFlatConfig: flat });
  const eslintWith = (fix: boolean, parserOptions?: object) => new ESLint({
    cwd,
    fix,
    errorOnUnmatchedPattern: args.errorOnUnmatchedPattern,
    ...(!flat && args.extensions ? { extensions: args.extensions } : {}),
    ...(parserOptions ? { overrideConfig: flat ? { languageOptions: { parserOptions } } : { parserOptions } } : {}),
  } as any);
  const eslint = eslintWith(false, { project: null, projectService: false, programs: [builder.getProgram()] });
  const results = await eslint.lintFiles(args.patterns);
  if (args.fix) {
    // A given program holds the files as they were: eslint's repeated passes over a file it fixes
    // would read stale syntax trees. The files with something to fix are linted again with the
    // configuration's own program, which follows each pass (in a clean build there are none).
    const fixable = results.filter((result) => result.fixableErrorCount + result.fixableWarningCount > 0);
    if (fixable.length > 0) {
      const fixed = await eslintWith(true).lintFiles(fixable.map((result) => result.filePath));
      await ESLint.outputFixes(fixed);
      const byFile = new Map(fixed.map((result) => [result.filePath, result]));
      results.splice(0, results.length, ...results.map((result) => byFile.get(result.filePath) ?? result));
    }
  }
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  // As eslint's command line prints it (console.log).
  if (text) out(`${text}\n`);
  return { typeErrors, lintErrors: results.reduce((sum, result) => sum + result.errorCount, 0) };
}

/** The command: exit 0 when both are clean, 1 on any type or lint error, 2 on a wrong command line. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  try {
    const args = parseCheckArgs(argv);
    const result = await check(args, process.cwd(), (text) => process.stdout.write(text), !!process.stdout.isTTY);
    if (result.typeErrors > 0 || result.lintErrors > 0) {
      const found = [
        result.typeErrors > 0 ? count(result.typeErrors, 'type error') : undefined,
        result.lintErrors > 0 ? count(result.lintErrors, 'lint error') : undefined,
      ].filter(Boolean).join(' and ');
      process.stderr.write(`hybrid-serverless-check: ${found} (above).\n`);
      process.exitCode = 1;
    }
  } catch (error) {
    if (!(error instanceof CheckUsageError)) throw error;
    process.stderr.write(`hybrid-serverless-check: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}
