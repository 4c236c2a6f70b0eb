// The order of the test files. jest orders files by their durations in earlier runs, which a clean clone (CI) does
// not have, and otherwise by size, which says little here (an end-to-end file of 100 lines can take minutes).
// First the ALB end-to-end file, whose repo the CLI installs: it leaves that install for the other end-to-end
// files (sharedInstall in test/e2e/util.ts). Then the unit tests (seconds each), while it runs on one worker; then
// the other end-to-end files, longest first, so that the two workers finish together.
'use strict';
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = 'test/e2e/alb-lambda.test.ts';
/** Seconds, measured with two workers on 2 cores (2026-12-07); only the order they give matters. */
const MEASURED = {
  'test/e2e/apigw-vpce.test.ts': 135,
  'test/e2e/upgrade.test.ts': 115,
  'test/e2e/apigw-private-domain.test.ts': 90,
  'test/e2e/projen-new.test.ts': 76,
  'test/e2e/deploy-rehearsal.test.ts': 70,
  'test/e2e/canary.test.ts': 60,
  'test/e2e/preset.test.ts': 55,
  'test/e2e/dev-loop.test.ts': 46,
};
const ROOT = path.join(__dirname, '..');
const relative = (test) => path.relative(ROOT, test.path).split(path.sep).join('/');

class AlbFirst extends Sequencer {
  sort(tests) {
    const first = tests.filter((test) => relative(test) === FIRST);
    const endToEnd = tests.filter((test) => MEASURED[relative(test)] !== undefined)
      .sort((a, b) => MEASURED[relative(b)] - MEASURED[relative(a)]);
    const rest = tests.filter((test) => !first.includes(test) && !endToEnd.includes(test));
    // The unit tests in jest's own order (the slowest first where it knows them).
    return [...first, ...super.sort(rest), ...endToEnd];
  }
}

module.exports = AlbFirst;
