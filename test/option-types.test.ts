import { javascript } from 'projen';
import { HybridServerlessAppOptions } from '../src';
import { newProject, synth } from './util';
import { optionProblems } from '../src/option-types';

// .projenrc.ts runs transpile-only: what the type-checker said about the options, the project
// type says at run time, with the option's full name and the likely meant one.
describe('options of the wrong name or type in .projenrc.ts', () => {
  const given = (options: Record<string, unknown>) => () => newProject(options as Partial<HybridServerlessAppOptions>);

  test('a misspelt setting of this package is named, with the one meant', () => {
    expect(given({ domian: 'orders.corp.example.com' }))
      .toThrow(/Invalid HybridServerlessApp options in \.projenrc\.ts:\n {2}- domian: unknown option\. Did you mean "domain"\?/);
  });

  test('a misspelt option of projen is named, with the one meant', () => {
    expect(given({ defaultReleaseBrnch: 'trunk' })).toThrow(/- defaultReleaseBrnch: unknown option\. Did you mean "defaultReleaseBranch"\?/);
    expect(given({ bananaSplit: true })).toThrow(/- bananaSplit: unknown option\.$/m);
  });

  test('a misspelt option inside a nested option is named by its path', () => {
    expect(given({ jestOptions: { jestConfig: { testTimout: 5000 } } }))
      .toThrow(/- jestOptions\.jestConfig\.testTimout: unknown option\. Did you mean "testTimeout"\?/);
  });

  test('values of the wrong type are named with the type wanted', () => {
    expect(given({ cdkVersion: 2 })).toThrow(/- cdkVersion: 2 must be a string\./);
    expect(given({ deps: ['zod', 3] })).toThrow(/- deps\[1\]: 3 must be a string\./);
    expect(given({ jestOptions: { jestConfig: { testTimeout: '5s' } } })).toThrow(/- jestOptions\.jestConfig\.testTimeout: "5s" must be a number\./);
    expect(given({ tsconfig: 'strict' })).toThrow(/- tsconfig: "strict" must be an object/);
    expect(given({ packageManager: 'npn' })).toThrow(/- packageManager: "npn" must be one of "yarn", .*"npm"/);
  });

  test('every problem at once, and this package\'s settings keep their own messages', () => {
    expect(given({ cdkVersion: 2, domian: 'x', region: 'eu-west-9' })).toThrow(/- cdkVersion: 2 must be a string\.\n {2}- domian: unknown option/);
    expect(given({ region: 'eu-wset-1' })).toThrow(/region: .*not an AWS region/);
  });

  test('what `projen new` passes under its own key is not taken for an option', () => {
    const fromProjenNew = { name: 'my-app', __new__: { fqn: 'create-hybrid-serverless.HybridServerlessApp', args: {}, comments: 'featured', synth: true, post: false } };
    expect(optionProblems(fromProjenNew)).toEqual([]);
    expect(optionProblems({ ...fromProjenNew, __neww__: {} })).toEqual([{ key: '__neww__', message: 'unknown option.' }]);
  });

  test('options of every kind, well typed, pass', () => {
    const files = synth(newProject({
      deps: ['zod@^3'],
      packageManager: javascript.NodePackageManager.NPM,
      jestOptions: { jestConfig: { testTimeout: 30_000 } },
      tsconfig: { compilerOptions: { noUnusedLocals: true } },
      context: { 'my:flag': 1 },
      gitignore: ['/scratch/'],
    }));
    expect(files['package.json'].jest.testTimeout).toBe(30_000);
  });
});

describe('the build type-checks .projenrc.ts, which `npx projen` runs transpile-only', () => {
  test('the typecheck task\'s tsconfig includes .projenrc.ts, and .projenrc.ts runs with --transpile-only', () => {
    const files = synth(newProject());
    expect(files['test/tsconfig.json'].include).toContain('../.projenrc.ts');
    expect(files['.projen/tasks.json'].tasks.default.steps).toEqual([
      { execArgs: ['ts-node', '--transpile-only', '--project', 'projenrc/tsconfig.json', '.projenrc.ts'] },
    ]);
    expect(files['.projen/tasks.json'].tasks.compile.steps).toEqual([{ spawn: 'check' }]);
    expect(files['.projen/tasks.json'].tasks.check.steps[0].exec).toMatch(/^hybrid-serverless-check -p test\/tsconfig\.json /);
  });

  test('only the build\'s own cdk synth skips type-checking the app, after the typecheck task', () => {
    const tasks = synth(newProject())['.projen/tasks.json'].tasks;
    expect(tasks['synth:silent'].env).toEqual({ TS_NODE_TRANSPILE_ONLY: 'true' });
    expect(tasks.synth.env?.TS_NODE_TRANSPILE_ONLY).toBeUndefined();
    expect(tasks.deploy.env?.TS_NODE_TRANSPILE_ONLY).toBeUndefined();
    expect(tasks['post-compile'].steps).toEqual([{ spawn: 'synth:silent' }]);
  });
});
