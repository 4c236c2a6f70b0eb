import * as fs from 'fs';
import * as path from 'path';
import { javascript, Project } from 'projen';
import { HybridServerlessSettings } from './options';
import { LoadedPreset, withPreloadedPreset } from './preset/load';
import { HybridServerlessApp, PACKAGE_NAME } from './project';
import { renderProjenrc } from './projenrc';
import { resolve, settingsToWrite } from './settings';

const PROJEN_PACKAGE_MANAGERS: Record<PackageManagerName, javascript.NodePackageManager | undefined> = {
  npm: undefined,
  pnpm: javascript.NodePackageManager.PNPM,
  yarn: javascript.NodePackageManager.YARN_CLASSIC,
};

/** The package managers the CLI can install with. */
export type PackageManagerName = 'npm' | 'pnpm' | 'yarn';

export interface GenerateOptions {
  /** An empty directory to write into (the CLI passes a temporary one beside the target). */
  readonly outdir: string;
  /** The npm package name of the new project. */
  readonly name: string;
  /** The validated settings. */
  readonly settings: HybridServerlessSettings;
  /** What the new project installs this package from, e.g. `^0.1.0` or `file:/tmp/x.tgz`. */
  readonly packageSpec: string;
  /** The package manager the project uses. @default 'npm' */
  readonly packageManager?: PackageManagerName;
  /** The company preset the project follows (`--preset`), and its spec for package.json. @default - none */
  readonly preset?: { readonly preset: LoadedPreset; readonly spec: string };
}

export interface GenerateResult {
  /** Every file written, relative to `outdir`, sorted. */
  readonly files: string[];
}

/**
 * Builds the project in-process, exactly as `npx projen` in the new repo will: the options
 * are rendered into `.projenrc.ts`, and the same options synthesize the files. No install,
 * no subprocess: projen's post-synthesis steps are skipped.
 */
export function generate(options: GenerateOptions): GenerateResult {
  const packageManager = PROJEN_PACKAGE_MANAGERS[options.packageManager ?? 'npm'];
  const preset = options.preset?.preset;
  const projectOptions = {
    name: options.name,
    ...(preset ? { preset: preset.name } : {}),
    // The settings as the registry writes them: those with a default at their value, the others as given; none
    // that the preset gives, so that its next version reaches the repo.
    ...settingsToWrite(resolve([...(preset ? [preset.layer] : []), { source: 'the CLI', values: options.settings }]), preset ? [preset.layer.source] : []),
    // npm is the project type's default and is left out of .projenrc.ts.
    ...(packageManager ? { packageManager } : {}),
  };
  fs.writeFileSync(path.join(options.outdir, '.projenrc.ts'), renderProjenrc(projectOptions));
  // The project type depends on this package unversioned, so projen keeps the spec it finds in
  // package.json: where `npm install` and the `upgrade` task change it later.
  fs.writeFileSync(path.join(options.outdir, 'package.json'),
    JSON.stringify({ devDependencies: { [PACKAGE_NAME]: options.packageSpec, ...(preset ? { [preset.name]: options.preset!.spec } : {}) } }));
  // The repo has no node_modules yet: the preset the CLI loaded stands for the one the install brings.
  withPreloadedPreset(preset, () => synthWithoutInstall(new HybridServerlessApp({ ...projectOptions, outdir: options.outdir })));
  return { files: listFiles(options.outdir) };
}

/** Synthesizes a project onto disk, skipping projen's post-synthesis steps (the install). */
export function synthWithoutInstall(project: Project): void {
  const previous = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    project.synth();
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
  }
}

/** Every file below `dir`, relative and sorted, without node_modules. */
export function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...listFiles(dir, relative));
    } else {
      files.push(relative);
    }
  }
  return files.sort();
}
