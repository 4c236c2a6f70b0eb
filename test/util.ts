import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'projen';
import { HybridServerlessApp, HybridServerlessAppOptions } from '../src';
import { InvalidSettingsError, resolveSettings } from '../src/settings';
export { synthWithoutInstall as synthToDisk } from '../src/generate';

/** A fresh directory under the OS temp dir: projen's synth deletes what it replaces. */
export function freshDir(prefix = 'chs-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A project in a fresh outdir, with projen's post-synthesis steps (install) skipped. */
export function newProject(options: Partial<HybridServerlessAppOptions> = {}, outdir = freshDir()): HybridServerlessApp {
  return new HybridServerlessApp({ name: 'my-app', outdir, ...options });
}

/** Synthesizes and returns every file's content by path. */
export function synth(project: HybridServerlessApp): Record<string, any> {
  return Testing.synth(project);
}

/** The problems `resolveSettings` finds in these settings, as `key: message` lines (none: valid). */
export function problemsOf(settings: object): string[] {
  try {
    resolveSettings(settings, 'test');
    return [];
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    return error.problems.map((problem) => `${problem.key}: ${problem.message}`);
  }
}
