import { newest, why } from './drift';

// The canary's pure parts, without building anything.
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
