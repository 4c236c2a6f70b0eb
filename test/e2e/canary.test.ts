import * as fs from 'fs';
import * as path from 'path';
import { canary, COMBINATIONS, flatten, markdown, Move, newestReleases, record } from './drift';
import { packTarball, ROOT } from './util';
import { testedVersions } from '../../src/tested-set';

// The drift canary (see ./drift.ts). In the package's test run it proves that it finds and names a break: a
// candidate set that moves two packages, one harmlessly (an earlier patch of @types/aws-lambda) and one that breaks
// the build (zod 3, which has no `zod/mini`), must name the second alone. As `npx projen canary` (CHS_CANARY=newest,
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
  describe('the drift canary', () => {
    const tarball = packTarball();
    const move = (name: string, to: string): Move => ({ name, from: flatten(tested)[name], to });
    const harmless = move('@types/aws-lambda', '8.10.163');
    const breaking = move('zod', '3.25.76');

    test('finds a break among several newer or older releases and names the release that breaks it alone', () => {
      const report = canary([COMBINATIONS[0]], [harmless, breaking], [], { tarball });
      expect(report.culprits).toEqual({ [COMBINATIONS[0].name]: [breaking] });
      // With all the moves, then each alone: the harmless one green (so the tested set builds), the breaking one red
      // with its reason.
      expect(report.trials.map((t) => [t.moves.map((m) => m.name), t.green])).toEqual([
        [['@types/aws-lambda', 'zod'], false], [['@types/aws-lambda'], true], [['zod'], false],
      ]);
      expect(report.trials[2].failure).toMatch(/npx projen build:[\s\S]*zod\/mini/);
      const text = markdown(report, tested);
      expect(text).toContain(`- **alb-lambda**: broken by \`zod\` ${breaking.from} → 3.25.76`);
      expect(text).not.toContain('broken by `@types/aws-lambda`');
    });
  });
}
