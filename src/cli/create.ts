import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { GenerateOptions, GenerateResult, PackageManagerName } from '../generate';
import { HybridServerlessSettings } from '../options';
import { show } from '../validate';
import { onInterrupt } from './signals';
import { isWritable, lstatOrUndefined } from './target';
import { CLI_NAME, CliError, EXIT, messageOf } from './ui';

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
  /** The company preset (`--preset`). @default - none */
  readonly preset?: GenerateOptions['preset'];
  /** Only list what would be written. */
  readonly dryRun?: boolean;
  /** Whether the target may hold files already (`--force`); otherwise it must still be empty when the files go in. */
  readonly force?: boolean;
  /** @default - `generate` from `../generate`, loaded only now (it pulls in projen) */
  readonly generator?: Generator;
}

export interface WriteResult {
  /** Every file of the project (written, or that would be), relative and sorted. */
  readonly files: string[];
  /** Those of `files` that this run created (with `--dry-run`: would create). */
  readonly written: string[];
  /** Those of `files` that were already there with the same contents: left as they were. */
  readonly identical: string[];
  /** Those of `files` that were already there with other contents (`--force`): kept, not replaced. */
  readonly kept: string[];
  /** The user's `.gitignore`, when it was kept and the entries the project needs were added to it. */
  readonly gitignoreMerged: boolean;
}

/** The temporary directories of a run: `.<name>.tmp-<pid>-XXXXXX`, beside the target. */
const TEMP_INFIX = '.tmp-';
/** The lock a run holds while it writes into an existing directory. */
export const LOCK_FILE = '.create-hybrid-serverless.lock';

/** The prefix of a temporary directory for `target`: short, whatever the name's length. */
function tempPrefix(target: string): string {
  return `.${path.basename(target).slice(0, 32)}${TEMP_INFIX}`;
}

/**
 * Writes the project: generated in full into a fresh directory beside the target (same file
 * system), then moved into place. A new target is one rename, which fails if another run got
 * there first. Into an existing directory, under a lock, only files that are not there yet are
 * added (hard links, which never replace anything); files already there are never replaced, and
 * the entries the project needs are appended to the user's `.gitignore`. On any error or signal,
 * everything this run created is removed: its temporary directory, and the parents it created
 * as long as they are empty. Temporary directories of runs that were killed are removed first.
 */
export async function writeProject(options: WriteOptions): Promise<WriteResult> {
  const target = options.targetPath;
  const targetExists = lstatOrUndefined(target) !== undefined;
  const created: string[] = [];
  const cleanups: Array<() => void> = [];
  const cleanUp = () => { for (const step of cleanups.splice(0).reverse()) step(); };
  const stopListening = onInterrupt(cleanUp);
  // Parents of a new target are created, and removed again if anything fails (only if empty:
  // another run may have put its project there meanwhile).
  cleanups.push(() => removeIfEmpty(created));
  try {
    if (!options.dryRun) created.push(...makeParents(path.dirname(target)));
    const tempParent = options.dryRun ? dryRunDir() : tempParentFor(target, targetExists);
    removeStaleTemps(tempParent, tempPrefix(target));
    const temp = fs.mkdtempSync(path.join(tempParent, `${tempPrefix(target)}${process.pid}-`));
    cleanups.push(() => fs.rmSync(temp, { recursive: true, force: true }));
    // mkdtemp makes the directory private (0700); the project directory gets the mode mkdir gives.
    // eslint-disable-next-line no-bitwise
    fs.chmodSync(temp, 0o777 & ~process.umask());

    const files = generateInto(temp, options);
    // A signal during the (synchronous) generation is handled here: the clean-up above runs.
    await new Promise((resolve) => setImmediate(resolve));
    const plan = planFor(temp, target, files, targetExists);
    if (!options.dryRun) {
      try {
        if (targetExists) mergeInto(temp, target, plan, !options.force);
        else renameInto(temp, target);
      } catch (error) {
        throw error instanceof CliError ? error : new CliError(
          `Could not write the project into ${show(target)}: ${messageOf(error)}. ` +
          (targetExists ? 'The files already there are as they were.' : 'Nothing was written.'), EXIT.failed);
      }
      // The project is in place: the parents are its parents now.
      created.length = 0;
    }
    return { files, ...plan };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Could not write the project into ${show(target)}: ${messageOf(error)}. Nothing was written.`, EXIT.failed);
  } finally {
    stopListening();
    cleanUp();
  }
}

/**
 * Where a dry run generates: in memory (/dev/shm) where there is such a file system, so that it
 * works on a full disk too; else the OS temp directory. Never among the user's files.
 */
function dryRunDir(): string {
  const shm = '/dev/shm';
  return fs.existsSync(shm) && isWritable(shm) ? shm : os.tmpdir();
}

/** Creates `dir` and its missing parents; returns those this call created, outermost first. */
function makeParents(dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; !lstatOrUndefined(current); current = path.dirname(current)) missing.unshift(current);
  const created: string[] = [];
  for (const current of missing) {
    try {
      fs.mkdirSync(current);
      created.push(current);
    } catch (error) {
      // Another run created it meanwhile: it is not ours to remove.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        removeIfEmpty(created);
        throw error;
      }
    }
  }
  return created;
}

/** Removes the directories this run created, innermost first, as long as they are empty. */
function removeIfEmpty(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
  }
}

/** Whether a process with this id is running (or exists but belongs to someone else). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what killed runs for the same target left in `dir`: their temporary directories. */
function removeStaleTemps(dir: string, prefix: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[A-Za-z0-9]{6}$/.exec(entry.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** The new target in one rename: it fails if the target appeared meanwhile with files in it. */
function renameInto(temp: string, target: string): void {
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new CliError(
        `Could not write the project into ${show(target)}: it was created by another program (another run?) while ` +
        'this one was generating. Its files were kept and nothing of this run was written; run again with another directory.', EXIT.failed);
    }
    throw error;
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
      preset: options.preset,
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
 * when that is impossible (an existing target whose parent is not writable, or a mount point).
 * A dry run generates elsewhere (see `dryRunDir`): nothing is written among the user's files.
 */
function tempParentFor(target: string, targetExists: boolean): string {
  const parent = path.dirname(target);
  const parentUsable = fs.existsSync(parent) && isWritable(parent);
  if (targetExists && (!parentUsable || fs.statSync(parent).dev !== fs.statSync(target).dev)) return target;
  if (!parentUsable) return os.tmpdir();
  return parent;
}

type Plan = Omit<WriteResult, 'files'>;

/** What happens to each file in an existing target: added, identical, or kept (it differs). */
function planFor(temp: string, target: string, files: readonly string[], targetExists: boolean): Plan {
  if (!targetExists) return { written: [...files], identical: [], kept: [], gitignoreMerged: false };
  const conflicts = files.flatMap((file) => conflictFor(target, file));
  if (conflicts.length > 0) {
    throw new CliError(
      `Could not write the project into ${show(target)}: ${conflicts.slice(0, 10).join('; ')}. ` +
      'Move those out of the way and run again. The files already there are as they were.', EXIT.failed);
  }
  const written: string[] = [];
  const identical: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const existing = lstatOrUndefined(path.join(target, file));
    if (!existing) written.push(file);
    else if (existing.isFile() && fs.readFileSync(path.join(target, file)).equals(fs.readFileSync(path.join(temp, file)))) identical.push(file);
    else kept.push(file);
  }
  return { written, identical, kept, gitignoreMerged: kept.includes('.gitignore') && lstatOrUndefined(path.join(target, '.gitignore'))!.isFile() };
}

/**
 * Adds the planned files to an existing target, under a lock so that two runs never merge.
 * Each file is hard-linked into place, which fails rather than replace a file that appeared
 * meanwhile; on any failure the files added so far are removed again.
 */
function mergeInto(temp: string, target: string, plan: Plan, requireEmpty: boolean): void {
  const release = lock(target);
  const undo: Array<() => void> = [];
  try {
    // Checked when the run started; checked again now, so that two runs never mix their files.
    const ours = (entry: string) => entry === LOCK_FILE || entry === '.git' || entry.startsWith(tempPrefix(target));
    if (requireEmpty && !fs.readdirSync(target).every(ours)) {
      throw new CliError(
        `Could not write the project into ${show(target)}: files appeared in it (another run?) while this one was generating. ` +
        'They were kept and nothing of this run was written; run again with another directory, or with --force.', EXIT.failed);
    }
    for (const file of plan.written) {
      makeDirs(target, path.dirname(file), undo);
      const destination = path.join(target, file);
      try {
        fs.linkSync(path.join(temp, file), destination);
      } catch (error) {
        // No hard links here (another file system, or one without them): a copy that also never replaces.
        if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        fs.copyFileSync(path.join(temp, file), destination, fs.constants.COPYFILE_EXCL);
      }
      undo.push(() => fs.rmSync(destination, { force: true }));
    }
    if (plan.gitignoreMerged) mergeGitignore(path.join(temp, '.gitignore'), path.join(target, '.gitignore'));
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
    release();
  }
}

/**
 * Takes the lock of an existing target, or fails if another running run holds it. A lock left
 * by a run that was killed is taken over.
 */
function lock(target: string): () => void {
  const file = path.join(target, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      const release = () => fs.rmSync(file, { force: true });
      const stop = onInterrupt(release);
      return () => { stop(); release(); };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(fs.readFileSync(file, 'utf-8').trim());
      if (holder && isRunning(holder)) {
        throw new CliError(
          `Could not write the project into ${show(target)}: another run (process ${holder}) is writing there. ` +
          'The files already there are as they were; wait for it to finish.', EXIT.failed);
      }
      fs.rmSync(file, { force: true });
    }
  }
}

/** The lines of a .gitignore that ignore something (no comments, no blank lines). */
function entriesOf(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/**
 * Appends to the user's .gitignore the entries of ours it lacks (node_modules, build output,
 * ...), keeping every line of theirs; written beside and renamed over, so it is never half-written.
 */
function mergeGitignore(ours: string, theirs: string): void {
  const text = fs.readFileSync(theirs, 'utf-8');
  const have = new Set(entriesOf(text));
  const missing = entriesOf(fs.readFileSync(ours, 'utf-8')).filter((entry) => !have.has(entry));
  if (missing.length === 0) return;
  const merged = `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}# Added by ${CLI_NAME}: what the project needs ignored\n${missing.join('\n')}\n`;
  const next = `${ours}.merged`;
  fs.writeFileSync(next, merged, { mode: fs.statSync(theirs).mode });
  fs.renameSync(next, theirs);
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
