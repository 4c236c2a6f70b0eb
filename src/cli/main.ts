import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from './args';
import type { Generator } from './create';
import type { Discover } from './discovery';
import { helpText } from './help';
import { ask, confirm, gather, install, plan, preset, report, write } from './pipeline';
import type { FetchPreset } from './preset';
import type { Ask } from './questions';
import { listenForSignals } from './signals';
import { CancelledError, CliError, CLI_NAME, EXIT, fit, red, UsageError, yellow } from './ui';

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
  /** Installs and loads `--preset`. @default - `fetchPreset` from ./preset (npm) */
  readonly fetchPreset?: FetchPreset;
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

/** The CLI's stages in order (see pipeline.ts): every answer gathered and checked before the disk is touched. */
async function create(argv: readonly string[], context: Context): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.args.help || parsed.args.version) {
    context.out(parsed.args.help ? helpText(ownVersion()) : ownVersion());
    return EXIT.ok;
  }
  const planned = plan(await ask(gather(parsed, context, ownVersion(), await preset(parsed, context)), context), context);
  await confirm(planned, context);
  const written = await write(planned, context);
  if (planned.args.dryRun) return EXIT.ok;
  await install(planned, written, context);
  report(planned, context);
  return EXIT.ok;
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
