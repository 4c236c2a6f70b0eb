import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Component, JsonFile, Project } from 'projen';
import { render } from './render';

/**
 * Where a generated repo records the team-owned files the package wrote: managed by projen and
 * committed, so that a deleted or moved owned file stays deleted on every later `npx projen`.
 */
export const OWNED_FILES_STATE = '.projen/owned-files.json';

/** The sha256 of a file's content as the package wrote it; `null` when the file was the team's already. */
type Written = string | null;

function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

function readState(outdir: string): Map<string, Written> {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(outdir, OWNED_FILES_STATE), 'utf-8'));
    return new Map(Object.entries(state.files ?? {}) as Array<[string, Written]>);
  } catch {
    return new Map();
  }
}

/**
 * The register of team-owned files: each is written once, when the repo is created or when a
 * setting first brings it in, and never again, even after the team deletes or moves it. One per
 * project (see `OwnedFiles.of`).
 */
export class OwnedFiles extends Component {
  /** The register of a project, created on first use. */
  public static of(project: Project): OwnedFiles {
    const found = project.components.find((c): c is OwnedFiles => c instanceof OwnedFiles);
    return found ?? new OwnedFiles(project);
  }

  private readonly state: Map<string, Written>;

  private constructor(project: Project) {
    super(project);
    this.state = readState(project.outdir);
    new JsonFile(project, OWNED_FILES_STATE, {
      marker: true,
      readonly: true,
      obj: () => ({
        '//': 'Team-owned files that create-hybrid-serverless wrote once: it never writes them again.',
        'files': Object.fromEntries([...this.state.entries()].sort(([a], [b]) => a.localeCompare(b))),
      }),
    });
  }

  /** Whether the package already wrote (or found) this owned file, so never writes it again. */
  public isRecorded(file: string): boolean {
    return this.state.has(file);
  }

  /**
   * Writes an owned file unless it is recorded. A file that is already there (the team's, or
   * written by a version of the package before this register) is recorded and left alone: as the
   * package's when it is exactly what the package would write, as the team's otherwise.
   */
  public writeOnce(file: string, content: () => string): void {
    if (this.state.has(file)) return;
    const target = path.join(this.project.outdir, file);
    const text = content();
    if (fs.existsSync(target)) {
      this.state.set(file, fs.readFileSync(target, 'utf-8') === text ? sha256(text) : null);
      return;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    this.state.set(file, sha256(text));
  }

  /**
   * When a setting no longer brings these files in: removes those the package wrote and the
   * team never changed, unless a file the team keeps still refers to one of them. Returns the
   * files kept, each with the reason, for the `npx projen` output.
   */
  public withdraw(files: readonly string[]): Array<{ file: string; reason: string }> {
    const outdir = this.project.outdir;
    const exists = (file: string) => fs.existsSync(path.join(outdir, file));
    const kept: Array<{ file: string; reason: string }> = [];
    const removable = new Set<string>();
    for (const file of files) {
      if (!exists(file)) {
        // Deleted by the team: forget it, so that turning the setting on again brings it back.
        this.state.delete(file);
      } else if (this.state.get(file) !== sha256(fs.readFileSync(path.join(outdir, file), 'utf-8'))) {
        kept.push({ file, reason: 'you changed it (or it was yours)' });
      } else {
        removable.add(file);
      }
    }
    // A file stays while anything else that stays refers to it (to a fixpoint: a sample that only
    // other removed samples import goes too).
    const references = referencesIn(outdir);
    for (let changed = true; changed;) {
      changed = false;
      for (const file of removable) {
        const user = references.find((ref) => ref.target === file && !removable.has(ref.from));
        if (user) {
          removable.delete(file);
          kept.push({ file, reason: `${user.from} still refers to it` });
          changed = true;
        }
      }
    }
    for (const file of removable) {
      fs.rmSync(path.join(outdir, file));
      this.state.delete(file);
      removeEmptyParents(outdir, path.dirname(file));
    }
    return kept;
  }
}

/** Adds a team-owned file rendered from `templates/<template>.hbs` (see `OwnedFiles`). */
export function ownedFile(project: Project, filePath: string, context: object, template = filePath): void {
  new OwnedFile(project, filePath, () => render(template, context));
}

/** One owned file; rendered only when it is written, so re-synthesis does not pay for it. */
class OwnedFile extends Component {
  private readonly register: OwnedFiles;

  constructor(project: Project, private readonly filePath: string, private readonly content: () => string) {
    super(project);
    this.register = OwnedFiles.of(project);
  }

  // Before synthesis, so that the register (a managed file) records what was written.
  public preSynthesize(): void {
    this.register.writeOnce(this.filePath, this.content);
  }
}

/** The directories a team's sources live in, scanned for references to files being withdrawn. */
const SOURCE_DIRS = ['src', 'test', 'frontend'];
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|html|css)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+|\bsrc\s*=\s*|\bhref\s*=\s*|@import\s+(?:url\()?)['"]([^'"]+)['"]/g;

interface Reference {
  readonly from: string;
  readonly target: string;
}

/**
 * Every relative reference between source files under `src/`, `test/` and `frontend/`
 * (imports, requires, `src=` and `href=` in HTML, CSS `@import`), resolved to repo paths the way
 * TypeScript and the bundler resolve them (with or without extension, or a directory's index).
 */
function referencesIn(outdir: string): Reference[] {
  const sources = SOURCE_DIRS.flatMap((dir) => filesUnder(outdir, dir)).filter((file) => SOURCE_FILE.test(file));
  const known = new Set(sources);
  const references: Reference[] = [];
  for (const from of sources) {
    const text = fs.readFileSync(path.join(outdir, from), 'utf-8');
    for (const [, specifier] of text.matchAll(SPECIFIER)) {
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) continue;
      const base = specifier.startsWith('/')
        ? path.posix.join(from.split('/')[0], specifier) // root-relative in the frontend
        : path.posix.join(path.posix.dirname(from), specifier);
      const candidates = [base, ...['.ts', '.tsx', '.js', '.css', '/index.ts', '/index.js'].map((ext) => base + ext),
        base.replace(/\.js$/, '.ts')];
      for (const target of candidates) if (known.has(target)) references.push({ from, target });
    }
  }
  return references;
}

function filesUnder(outdir: string, dir: string): string[] {
  const full = path.join(outdir, dir);
  if (!fs.existsSync(full)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...filesUnder(outdir, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

function removeEmptyParents(outdir: string, dir: string): void {
  for (let current = dir; current && current !== '.'; current = path.dirname(current)) {
    const full = path.join(outdir, current);
    if (!fs.existsSync(full) || fs.readdirSync(full).length > 0) return;
    fs.rmdirSync(full);
  }
}
