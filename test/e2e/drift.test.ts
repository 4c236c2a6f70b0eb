import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canary, COMBINATIONS, markdown, Move, newest, raise, Trial, TrialOptions, why } from './drift';
import { testedVersions } from '../../src/tested-set';

// The canary's pure parts, without building anything: test/e2e/canary.test.ts builds a real trial.
describe('the drift canary\'s reading of the registry and of a build', () => {
  test('takes the newest release within the tested major by semver, not the registry\'s order, and no pre-release', () => {
    expect(newest(['2.276.0', '2.278.0', '2.277.0', '2.279.0-rc.1', '3.0.0'], '3.0.0', '2.276.0')).toEqual({ inMajor: '2.278.0', latest: '3.0.0' });
    expect(newest(['0.28.2', '0.28.3', '0.29.0'], '0.29.0', '0.28.2')).toEqual({ inMajor: '0.28.3', latest: '0.29.0' });
    // Nothing newer: the tested version itself (also when the registry has only older ones).
    expect(newest(['1.0.0', '1.1.0'], undefined, '1.1.0')).toEqual({ inMajor: '1.1.0', latest: '1.1.0' });
  });

  test('says why a build failed: the validation\'s findings and the errors, not the task lines', () => {
    const output = [
      '👾 build » compile » check | hybrid-serverless-check --no-error-on-unmatched-pattern src',
      '/repo/src/hybrid/environments.ts:45',
      '    throw new Error(`Validation failed (${report}):\\n  ${findings.join(\'\\n  \')}`);',
      'Error: Validation failed (cdk.out/validation-report.json):',
      '  AwsSolutions-L1 at dev/Vpce/AWS679f53fac002430cb0da5b7982bd2287/Resource',
      '    at synthesize (/repo/src/hybrid/environments.ts:45:11)',
      '👾 Task "build » post-compile » synth:silent" failed when executing "cdk synth -q --build \'\'"',
    ].join('\n');
    const lines = why(output).split('\n').map((line) => line.trim());
    expect(lines).toContain('AwsSolutions-L1 at dev/Vpce/AWS679f53fac002430cb0da5b7982bd2287/Resource');
    expect(lines).toContain('Error: Validation failed (cdk.out/validation-report.json):');
    expect(lines.some((line) => line.includes('--no-error-on-unmatched-pattern'))).toBe(false);
    expect(lines.some((line) => line.startsWith('at '))).toBe(false);
  });
});

describe('the drift canary\'s search for the release that breaks a build', () => {
  const tested = testedVersions();
  const move = (name: string, to: string): Move => ({ name, from: tested.devDependencies[name] ?? tested.dependencies[name], to });
  const harmless = move('@types/aws-lambda', '8.10.163');
  const breaking = move('zod', '3.25.76');
  const other = move('hono', '4.99.0');
  /** Builds as a real trial would decide: red when a breaking move is among the moves (or all of them together). */
  const builds = (breaks: (moves: readonly Move[]) => boolean) => {
    const calls: Array<[string, string[], TrialOptions]> = [];
    const build = (combination: { name: string }, moves: readonly Move[], options: TrialOptions): Trial => {
      calls.push([combination.name, moves.map((m) => m.name), options]);
      const green = !breaks(moves);
      return { combination: combination.name, moves, green, repo: `/tmp/${calls.length}`, ...(green ? {} : { failure: `npx projen build:\n    ${moves.map((m) => m.name).join(' ')}` }) };
    };
    return { calls, build };
  };

  test('builds with every move, then each move alone where that breaks, and names the moves that break it alone', () => {
    const { calls, build } = builds((moves) => moves.includes(breaking));
    const report = canary([COMBINATIONS[0]], [harmless, breaking], [], { tarball: 'x.tgz' }, build);
    expect(calls.map(([combination, moves]) => [combination, moves])).toEqual([
      ['alb-lambda', ['@types/aws-lambda', 'zod']], ['alb-lambda', ['@types/aws-lambda']], ['alb-lambda', ['zod']],
    ]);
    // After the first, each trial starts from the first one's tree, and resolves only the moves again.
    expect(calls.slice(1).map(([, , options]) => [options.installed, options.fresh])).toEqual([['/tmp/1/node_modules', false], ['/tmp/1/node_modules', false]]);
    expect(report.culprits).toEqual({ 'alb-lambda': [breaking] });
    const text = markdown(report, tested);
    expect(text).toContain(`- **alb-lambda**: broken by \`zod\` ${breaking.from} → 3.25.76`);
    expect(text).toContain('## Broken: 1 of 1 combinations');
    expect(text).toContain('npx projen build:');
    expect(text).not.toContain('broken by `@types/aws-lambda`');
  });

  test('a combination that builds green with every move is tried once; the report says the set can move', () => {
    const { calls, build } = builds(() => false);
    const report = canary(COMBINATIONS.slice(0, 2), [harmless, other], [move('aws-cdk-lib', '3.0.0')], { tarball: 'x.tgz' }, build);
    expect(calls.map(([combination]) => combination)).toEqual(['alb-lambda', 'alb-lambda --frontend']);
    expect(report.culprits).toEqual({});
    const text = markdown(report, tested);
    expect(text).toContain('## Every combination builds green');
    expect(text).toContain('The set can move: run `npx projen tested-set`');
    expect(text).toContain('## Newer majors (not tried: a major moves by a release of this package)');
  });

  test('names no move when only several together break the build, and a single move without trying it again', () => {
    const together = builds((moves) => moves.length > 1);
    const report = canary([COMBINATIONS[0]], [harmless, other], [], { tarball: 'x.tgz' }, together.build);
    expect(report.culprits).toEqual({ 'alb-lambda': [] });
    expect(markdown(report, tested)).toContain('broken only with several moves together or by a transitive release');
    const single = builds(() => true);
    expect(canary([COMBINATIONS[0]], [breaking], [], { tarball: 'x.tgz' }, single.build).culprits).toEqual({ 'alb-lambda': [breaking] });
    expect(single.calls).toHaveLength(1);
  });
});

describe('the drift canary\'s raise of a dependency', () => {
  test('writes runtime packages as deps and the others as devDeps into .projenrc.ts, as a team raises them', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-raise-'));
    try {
      fs.writeFileSync(path.join(repo, '.projenrc.ts'), "const project = new HybridServerlessApp({\n  name: 'app',\n});\n");
      raise(repo, [{ name: 'zod', from: '4.0.0', to: '3.25.76' }, { name: '@types/aws-lambda', from: '8.10.164', to: '8.10.163' }], ['frontend: true,']);
      expect(fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8')).toBe('const project = new HybridServerlessApp({\n  frontend: true,\n'
        + "  deps: ['zod@3.25.76'],\n  devDeps: ['@types/aws-lambda@8.10.163'],\n  name: 'app',\n});\n");
      fs.writeFileSync(path.join(repo, '.projenrc.ts'), 'export {};\n');
      expect(() => raise(repo, [{ name: 'zod', from: '4.0.0', to: '3.25.76' }])).toThrow('does not construct HybridServerlessApp as generated');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
