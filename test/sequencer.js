// Longest first, so that the two workers finish together: jest orders files by their durations in earlier runs,
// which a clean clone (CI) does not have, and otherwise by size, which says little here (an end-to-end file of
// 100 lines can take five minutes). Files without an earlier duration take the one measured below.
'use strict';
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds, measured with two workers on 2 cores (2026-11-26); only the order they give matters. */
const MEASURED = {
  'test/e2e/apigw-private-domain.test.ts': 278,
  'test/e2e/alb-lambda.test.ts': 246,
  'test/e2e/apigw-vpce.test.ts': 215,
  'test/e2e/upgrade.test.ts': 150,
  'test/e2e/canary.test.ts': 135,
  'test/e2e/deploy-rehearsal.test.ts': 130,
  'test/e2e/projen-new.test.ts': 91,
  'test/e2e/dev-loop.test.ts': 83,
};
const ROOT = path.join(__dirname, '..');

class LongestFirst extends Sequencer {
  sort(tests) {
    const seconds = (test) => {
      const earlier = this.time(test);
      if (earlier !== undefined) return earlier / 1000;
      return MEASURED[path.relative(ROOT, test.path).split(path.sep).join('/')];
    };
    const known = tests.filter((test) => seconds(test) !== undefined).sort((a, b) => seconds(b) - seconds(a));
    // The others (seconds each) in jest's own order, after.
    return [...known, ...super.sort(tests.filter((test) => seconds(test) === undefined))];
  }
}

module.exports = LongestFirst;
