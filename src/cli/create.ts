import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { GenerateOptions, GenerateResult, PackageManagerName } from '../generate';
import { HybridServerlessSettings } from '../options';
import { show } from '../validate';
import { isWritable, lstatOrUndefined } from './target';
import { CancelledError, CliError, EXIT, messageOf } from './ui';

/** Builds the project into an empty directory; `generate` from `../generate`, or a stand-in in tests. */
export type Generator = (options: GenerateOptions) => GenerateResult;

export interface WriteOptions {
  /** Absolute path of the project directory. */
  readonly targetPath: string;
  readonly name: string;
  readonly settings: HybridServerlessSettings;
  readonly packageSpec: string;
  /** @default 'npm' */
  readonly packageManager?: PackageManagerName;
  /** Only list what would be written. */
  readonly dryRun?: boolean;
  /** @default - `generate` from `../generate`, loaded only now (it pulls in projen) */
  readonly generator?: Generator;
}

export interface WriteResult {
  /** Every file written (or that would be), relative and sorted. */
  readonly files: string[];
  /** Those of `files` that were already in the target directory (overwritten with `--force`). */
  readonly existing: string[];
}

/**
 * Writes the project atomically: generated in full into a fresh directory beside the target
 * (same file system, so moving it is a rename), then moved into place: the whole directory
 * when the target does not exist, file by file (with undo) when it does. On any error or
 * Ctrl-C, everything this wrote is removed and the user's files are as they were.
 */
export async function writeProject(options: WriteOptions): Promise<WriteResult> {
  const target = options.targetPath;
  const targetExists = fs.existsSync(target);
  const parent = path.dirname(target);

  // Parents of a new target are created, and removed again if anything fails.
  let createdParent: string | undefined;
  if (!options.dryRun && !fs.existsSync(parent)) createdParent = fs.mkdirSync(parent, { recursive: true });

  const tempParent = tempParentFor(target, targetExists);
  const temp = fs.mkdtempSync(path.join(tempParent, `.${path.basename(target)}.tmp-`));
  // mkdtemp makes the directory private (0700); the project directory gets the mode mkdir gives.
  // eslint-disable-next-line no-bitwise
  fs.chmodSync(temp, 0o777 & ~process.umask());

  // Generation is synchronous: a Ctrl-C during it is handled once it returns, rather than
  // killing the process with a half-written temporary directory behind.
  let interrupted = false;
  const onSignal = () => { interrupted = true; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let done = false;
  try {
    const files = generateInto(temp, options);
    await new Promise((resolve) => setImmediate(resolve));
    if (interrupted) throw new CancelledError();
    const existing = targetExists ? files.filter((file) => fs.existsSync(path.join(target, file))) : [];
    if (!options.dryRun) {
      try {
        moveIntoPlace(temp, target, files, targetExists);
      } catch (error) {
        throw error instanceof CliError ? error : new CliError(
          `Could not write the project into ${show(target)}: ${messageOf(error)}. ` +
          (targetExists ? 'The files already there are as they were.' : 'Nothing was written.'), EXIT.failed);
      }
    }
    done = true;
    return { files, existing };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    fs.rmSync(temp, { recursive: true, force: true });
    if (!done && createdParent) fs.rmSync(createdParent, { recursive: true, force: true });
  }
}

function generateInto(outdir: string, options: WriteOptions): string[] {
  try {
    const generator = options.generator ?? loadGenerate();
    return generator({
      outdir,
      name: options.name,
      settings: options.settings,
      packageSpec: options.packageSpec,
      packageManager: options.packageManager,
    }).files;
  } catch (error) {
    throw new CliError(`Could not generate the project: ${messageOf(error)}. Nothing was written.`, EXIT.failed);
  }
}

function loadGenerate(): Generator {
  // Loaded lazily: projen and the project type take a while to load, and --help, --version
  // and bad input must answer at once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../generate') as typeof import('../generate')).generate;
}

/**
 * Beside the target, so that the final move is a rename on one file system. Inside the target
 * when that is impossible (an existing target whose parent is not writable, or a mount point);
 * in the OS temp directory for a dry run with nowhere else to go.
 */
function tempParentFor(target: string, targetExists: boolean): string {
  const parent = path.dirname(target);
  const parentUsable = fs.existsSync(parent) && isWritable(parent);
  if (targetExists && (!parentUsable || fs.statSync(parent).dev !== fs.statSync(target).dev)) return target;
  if (!parentUsable) return os.tmpdir();
  return parent;
}

/**
 * Moves the generated files from `temp` into `target`. Into an existing directory, only the
 * generated paths are touched: each file it replaces is kept aside until every file is in
 * place, so that a failure part-way puts everything back.
 */
export function moveIntoPlace(temp: string, target: string, files: readonly string[], targetExists: boolean): void {
  if (!targetExists) {
    fs.renameSync(temp, target);
    return;
  }
  const conflicts = files.flatMap((file) => conflictFor(target, file));
  if (conflicts.length > 0) {
    throw new CliError(
      `Could not write the project into ${show(target)}: ${conflicts.slice(0, 10).join('; ')}. ` +
      'Move those out of the way and run again. The files already there are as they were.', EXIT.failed);
  }

  const backup = fs.mkdtempSync(path.join(path.dirname(temp), `.${path.basename(target)}.bak-`));
  const undo: Array<() => void> = [];
  try {
    files.forEach((file, index) => {
      const destination = path.join(target, file);
      makeDirs(target, path.dirname(file), undo);
      if (lstatOrUndefined(destination)) {
        const saved = path.join(backup, String(index));
        fs.renameSync(destination, saved);
        undo.push(() => fs.renameSync(saved, destination));
      }
      fs.renameSync(path.join(temp, file), destination);
      undo.push(() => fs.rmSync(destination, { force: true }));
    });
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Keep undoing the rest; the original error is what the user needs to see.
      }
    }
    throw error;
  } finally {
    fs.rmSync(backup, { recursive: true, force: true });
  }
}

/** What is in the way of writing `file` under `target`: a file where a directory must go, … */
function conflictFor(target: string, file: string): string[] {
  const parts = file.split('/');
  let current = target;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    const stat = lstatOrUndefined(current);
    if (!stat) return [];
    const last = i === parts.length - 1;
    // A symbolic link on the way could lead the write outside the target: refuse it.
    if (!last && !stat.isDirectory()) return [`${parts.slice(0, i + 1).join('/')} is not a directory, but ${file} goes inside it`];
    if (last && stat.isDirectory()) return [`${file} is a directory, but the project has a file there`];
  }
  return [];
}

function makeDirs(target: string, relativeDir: string, undo: Array<() => void>): void {
  if (relativeDir === '.') return;
  let current = target;
  for (const part of relativeDir.split('/')) {
    current = path.join(current, part);
    if (!fs.existsSync(current)) {
      fs.mkdirSync(current);
      const created = current;
      undo.push(() => fs.rmdirSync(created));
    }
  }
}
