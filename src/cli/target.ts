import * as fs from 'fs';
import * as path from 'path';
import { checkProjectName, show, toValidProjectName } from '../validate';
import { brief, CLI_NAME } from './ui';

/** The longest file name and path most file systems take. */
const MAX_NAME = 255;
const MAX_PATH = 4095;

/** A directory name that cannot be printed or pasted safely is refused, not guessed at. */
export function directoryProblem(directory: string): string | undefined {
  if (directory.length === 0) return 'must not be empty; give a directory such as "my-app".';
  if (directory.length > MAX_PATH) return `is ${directory.length} characters long; a path can have at most ${MAX_PATH}. Choose a shorter one.`;
  const long = directory.split(/[/\\]/).find((part) => Buffer.byteLength(part) > MAX_NAME);
  if (long) {
    return `${brief(long)} is ${Buffer.byteLength(long)} bytes long; a file name can have at most ${MAX_NAME}. Choose a shorter name.`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(directory)) return `${show(directory)} contains control characters (a newline?); choose a plain name.`;
  return undefined;
}

/** The project name for a directory: its basename, made a valid npm name when it is not one. */
export function projectNameFor(targetPath: string): { name?: string; note?: string; problem?: string } {
  const base = path.basename(targetPath);
  if (!checkProjectName(base)) return { name: base };
  const name = toValidProjectName(base);
  if (name && !checkProjectName(name)) {
    return { name, note: `The directory name ${show(base)} is not a valid npm package name; the project is named "${name}".` };
  }
  return {
    problem: `cannot make an npm package name out of ${show(base)}: use letters, digits and "-" in the directory name, ` +
      'or give "name" in the answers file.',
  };
}

/** Empty, or holding only a `.git` directory (as create-vite allows). */
export function isEmptyDir(dir: string): boolean {
  const entries = fs.readdirSync(dir);
  return entries.length === 0 || (entries.length === 1 && entries[0] === '.git');
}

/**
 * Why the project cannot go to `targetPath`, if it cannot: a file in the way, a non-empty
 * directory without `--force`, or no writable directory to create it in.
 */
export function targetProblem(targetPath: string, force: boolean): string | undefined {
  // The target itself may be a symbolic link to a directory; what is inside it is not followed.
  const stat = statOrUndefined(targetPath);
  const link = lstatOrUndefined(targetPath);
  if (!stat && link?.isSymbolicLink()) {
    return `${show(targetPath)} is a symbolic link to ${show(fs.readlinkSync(targetPath))}, which does not exist; ` +
      'remove the link or choose another directory.';
  }
  if (stat && !stat.isDirectory()) {
    return `${show(targetPath)} exists and is not a directory; choose another directory.`;
  }
  if (stat) {
    if (force || isEmptyDir(targetPath)) return writable(targetPath);
    const entries = fs.readdirSync(targetPath).sort();
    const shown = entries.slice(0, 10).join(', ') + (entries.length > 10 ? `, … (${entries.length} entries)` : '');
    return `${show(targetPath)} is not empty (${shown}). Choose another directory, or pass --force to write into it: ` +
      `${CLI_NAME} then overwrites only the files it generates and deletes nothing.`;
  }
  // The directory will be created: its nearest existing ancestor must be a writable directory.
  let ancestor = path.dirname(targetPath);
  while (!lstatOrUndefined(ancestor)) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) return `cannot create ${show(targetPath)}: ${show(ancestor)} is not a directory.`;
  return writable(ancestor);
}

/** Whether the current user may create files in `dir`. */
export function isWritable(dir: string): boolean {
  return !writable(dir);
}

function writable(dir: string): string | undefined {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch {
    return `cannot write into ${show(dir)}: permission denied.`;
  }
}

export function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
