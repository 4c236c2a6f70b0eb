import * as fs from 'fs';
import * as path from 'path';
import { canary, COMBINATIONS, flatten, markdown, Move, newestReleases, record, trial } from './drift';
import { packTarball, ROOT } from './util';
import { testedVersions } from '../../src/tested-set';

// The drift canary (see ./drift.ts). In the package's test run it builds one real trial: a generated repo with a
// release that breaks the build (zod 3, which has no `zod/mini`) must turn red with the reason (what the canary then
// tries and names is test/e2e/drift.test.ts's). As `npx projen canary` (CHS_CANARY=newest,
// the scheduled workflow's command) it builds every combination with the newest releases instead, and fails with a
// report naming what broke; `npx projen tested-set` (CHS_CANARY=record) records the newest releases as the tested set
// once every combination builds green with them.
const MODE = process.env.CHS_CANARY;
const REPORT_DIR = path.join(ROOT, '.canary');
const tested = testedVersions();

function writeReport(text: string, data: unknown): void {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORT_DIR, 'report.md'), text);
  fs.writeFileSync(path.join(REPORT_DIR, 'report.json'), `${JSON.stringify(data, undefined, 2)}\n`);
}

if (MODE === 'newest' || MODE === 'record') {
  describe('the drift canary, with the newest release of every tested package', () => {
    test('builds every combination green, or names the upstream release that breaks it', async () => {
      const { moves, majors } = await newestReleases(flatten(tested));
      const report = canary(COMBINATIONS, moves, majors, { tarball: packTarball(), fresh: true });
      const text = markdown(report, tested);
      writeReport(text, report);
      process.stdout.write(text);
      expect(report.culprits).toEqual({});
      if (MODE === 'record') {
        // The first green repo's tree, resolved afresh, becomes the set; the package's own tests then prove it.
        const recorded = record(report.trials[0].repo);
        process.stdout.write(`Recorded the tested set of ${recorded.recorded} in data/: run \`npx projen build\`, then commit.\n`);
      }
    });
  });
} else {
  // One real trial of a move that breaks the build: raised in .projenrc.ts, installed, built red, and why. Which moves
  // the canary then tries, and what its report names, is test/e2e/drift.test.ts's (without building).
  describe('the drift canary', () => {
    const tarball = packTarball();

    test('builds a generated repo with a release that breaks it, raised as a team raises one, red with the reason', () => {
      const breaking: Move = { name: 'zod', from: flatten(tested).zod, to: '3.25.76' };
      const result = trial(COMBINATIONS[0], [breaking], { tarball });
      expect(fs.readFileSync(path.join(result.repo, '.projenrc.ts'), 'utf-8')).toContain("deps: ['zod@3.25.76'],");
      expect(JSON.parse(fs.readFileSync(path.join(result.repo, 'node_modules', 'zod', 'package.json'), 'utf-8')).version).toBe('3.25.76');
      expect(result.green).toBe(false);
      expect(result.failure).toMatch(/npx projen build:[\s\S]*zod\/mini/);
    });
  });
}
