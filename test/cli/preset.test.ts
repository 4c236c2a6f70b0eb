import * as fs from 'fs';
import * as path from 'path';
import type { PromptObject } from 'prompts';
import { cleanEnv, fakeBin, isAlive, requireBuiltCli, runCliAsync, runInProcess, startCli, tempDir, waitUntil } from './util';
import { fetchPreset } from '../../src/cli/preset';
import { Ask } from '../../src/cli/questions';
import { presetPackage } from '../preset/fixture';

/** `--preset`: the CLI fetches the preset with npm (from a local directory here), asks only what it leaves open. */

/** Answers every question with the default it offers, recording each question. */
function defaultsAsker(questions: Array<PromptObject<'value'>>): Ask {
  return async (question) => {
    questions.push(question);
    if (question.type === 'select') return (question.choices as Array<{ value: string }>)[question.initial as number].value;
    return question.initial;
  };
}

describe('--preset', () => {
  let cwd: string;
  beforeEach(() => { cwd = tempDir(); });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  test('fetches a preset with npm and names the spec the repo depends on', async () => {
    const pkg = presetPackage({ version: '1.2.0' });
    const { preset, spec } = await fetchPreset(path.relative(cwd, pkg), cwd);
    expect(preset).toMatchObject({ name: '@acme/hybrid-preset', version: '1.2.0', locked: { corporateCidrs: ['10.40.0.0/14'] } });
    expect(spec).toBe(`file:${pkg}`);
  });

  test('in a terminal: locked values are not asked, the preset\'s defaults are the questions\' defaults, and stay the preset\'s', async () => {
    const questions: Array<PromptObject<'value'>> = [];
    const result = await runInProcess(['app', '--preset', presetPackage(), '--no-install', '--no-git'], { cwd, interactive: true, ask: defaultsAsker(questions) });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const asked = questions.map((q) => String(q.message));
    expect(asked.some((message) => message.startsWith('On-premises CIDR ranges'))).toBe(false);
    const region = questions.find((q) => String(q.message).startsWith('AWS region'))!;
    expect(region.initial).toBe('eu-central-1');
    expect(questions.find((q) => String(q.message).startsWith('Host name users will type'))!.initial).toBe('app.corp.acme.example');
    // The summary says which values are the preset's.
    expect(result.out).toMatch(/corporateCidrs\s+10\.40\.0\.0\/14 \(locked by the preset\)/);
    expect(result.out).toMatch(/region\s+eu-central-1 \(from the preset\)/);
    const [generated] = result.generated;
    expect(generated.preset?.preset.name).toBe('@acme/hybrid-preset');
    // Enter kept the preset's default: it is the preset's, not written into .projenrc.ts.
    expect(generated.settings).not.toHaveProperty('region');
    expect(generated.settings).not.toHaveProperty('corporateCidrs');
  });

  test('a flag that contradicts a locked value is refused, naming the preset; a repeat is fine', async () => {
    const pkg = presetPackage();
    const refused = await runInProcess(['app', '--yes', '--preset', pkg, '--corporate-cidrs', '10.0.0.0/8'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--corporate-cidrs: ["10.0.0.0/8"] differs from ["10.40.0.0/14"], which the preset @acme/hybrid-preset locks; ' +
      'leave it out (the preset\'s value applies).');
    expect(refused.generated).toEqual([]);
    const repeated = await runInProcess(['app', '--yes', '--preset', pkg, '--corporate-cidrs', '10.40.0.0/14', '--region', 'us-east-1', '--no-install', '--no-git'], { cwd });
    expect(repeated.code).toBe(0);
    expect(repeated.generated[0].settings).toMatchObject({ region: 'us-east-1' });
  });

  test('a preset that cannot be had: exit 2, nothing written', async () => {
    const missing = await runInProcess(['app', '--yes', '--preset', './no-such-preset'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--preset: "\.\/no-such-preset" does not exist/);
    const broken = await runInProcess(['app', '--yes', '--preset', presetPackage({ preset: { locked: { corporateCidr: [] } } })], { cwd });
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/--preset: the preset @acme\/hybrid-preset \(.*\) is not a valid preset:\n\s+- locked.corporateCidr is not a setting. Did you mean "corporateCidrs"\?/);
    const bad = await runInProcess(['app', '--yes', '--preset', presetPackage({ preset: { locked: { corporateCidrs: ['0.0.0.0/0'] } } })], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/corporateCidrs \(locked by the preset @acme\/hybrid-preset\): .*0\.0\.0\.0\/0/);
    for (const refusal of [missing, broken, bad]) expect(refusal.generated).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('the built CLI writes .projenrc.ts naming the preset, and package.json depending on it', async () => {
    requireBuiltCli();
    const pkg = presetPackage();
    const result = await runCliAsync(['app', '--yes', '--preset', pkg, '--vpc-id', 'vpc-0aaa1111bbbb22223', '--no-install', '--no-git'], { cwd });
    expect(result.output).toContain('Done');
    expect(result.status).toBe(0);
    const projenrc = fs.readFileSync(path.join(cwd, 'app', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('preset: \'@acme/hybrid-preset\',');
    expect(projenrc).not.toContain('10.40.0.0/14');
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'app', 'package.json'), 'utf-8')).devDependencies['@acme/hybrid-preset']).toBe(`file:${pkg}`);
    expect(fs.readFileSync(path.join(cwd, 'app', 'src/hybrid/config.ts'), 'utf-8')).toContain('\'10.40.0.0/14\'');
  });

  test('a signal while npm fetches the preset: npm stops, its temporary directory goes, nothing written', async () => {
    requireBuiltCli();
    const tmp = tempDir('chs-preset-tmp-');
    const pidFile = path.join(tmp, 'npm.pid');
    // npm that hangs, as on a slow registry.
    const bin = fakeBin({ npm: `echo $$ > '${pidFile}'\nexec sleep 60` });
    const cli = startCli(['app', '--yes', '--preset', '@acme/hybrid-preset'], { cwd, env: cleanEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}`, TMPDIR: tmp }) });
    await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf-8').trim() !== '', 'npm to start');
    expect(fs.readdirSync(tmp).filter((entry) => entry.startsWith('chs-preset-'))).toHaveLength(1);
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.status).toBe(143);
    expect(isAlive(Number(fs.readFileSync(pidFile, 'utf-8').trim()))).toBe(false);
    expect(fs.readdirSync(tmp).filter((entry) => entry.startsWith('chs-preset-'))).toEqual([]);
    expect(fs.readdirSync(cwd)).toEqual([]);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
  });
});
