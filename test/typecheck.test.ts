import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freshDir } from './util';

const ROOT = path.join(__dirname, '..');

// The package's test task type-checks src/ and test/ first (ts-jest compiles each file alone and reports no type
// error): the task and its settings must catch one.
describe('the package\'s typecheck task', () => {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen/tasks.json'), 'utf-8')).tasks;

  test('runs before jest in the test task', () => {
    expect(tasks.test.steps[0]).toEqual({ spawn: 'typecheck' });
  });

  test('fails on a type error in a test file, with its settings', () => {
    const dir = freshDir('chs-typecheck-');
    fs.writeFileSync(path.join(dir, 'bad.test.ts'), "export const port: number = '443';\n");
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: path.join(ROOT, 'test', 'tsconfig.json'), include: [path.join(dir, 'bad.test.ts')], compilerOptions: { rootDir: '/', typeRoots: [path.join(ROOT, 'node_modules', '@types')] },
    }));
    const [command, ...args] = tasks.typecheck.steps[0].exec.replace('test/tsconfig.json', path.join(dir, 'tsconfig.json')).split(' ');
    const result = spawnSync(`node_modules/.bin/${command}`, args, { cwd: ROOT, encoding: 'utf-8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
  });
});
