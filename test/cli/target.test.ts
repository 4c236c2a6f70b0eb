import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './util';
import { directoryProblem, isEmptyDir, projectNameFor, targetProblem } from '../../src/cli/target';

describe('projectNameFor', () => {
  test.each([
    ['/x/my-app', { name: 'my-app' }],
    ['/x/app.v2', { name: 'app.v2' }],
    ['/x/My App', { name: 'my-app', note: expect.stringContaining('the project is named "my-app"') }],
    ['/x/_private', { name: 'private', note: expect.any(String) }],
    ['/x/app"; rm -rf ~', { name: 'app-rm-rf-~', note: expect.any(String) }],
    ['/x/日本', { problem: expect.stringContaining('cannot make an npm package name out of "日本"') }],
    ['/x/---', { problem: expect.any(String) }],
  ])('%s', (target, expected) => {
    expect(projectNameFor(target)).toEqual(expected);
  });
});

test('directoryProblem refuses empty names and control characters', () => {
  expect(directoryProblem('my-app')).toBeUndefined();
  expect(directoryProblem('')).toContain('must not be empty');
  expect(directoryProblem('a\nb')).toContain('control characters');
  expect(directoryProblem('a\u001b[31mb')).toContain('control characters');
});

describe('targetProblem', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a new directory, also below missing parents', () => {
    expect(targetProblem(path.join(dir, 'app'), false)).toBeUndefined();
    expect(targetProblem(path.join(dir, 'a', 'b', 'app'), false)).toBeUndefined();
  });

  test('an empty directory, or one holding only .git', () => {
    expect(isEmptyDir(dir)).toBe(true);
    expect(targetProblem(dir, false)).toBeUndefined();
    fs.mkdirSync(path.join(dir, '.git'));
    expect(isEmptyDir(dir)).toBe(true);
    expect(targetProblem(dir, false)).toBeUndefined();
  });

  test('a non-empty directory lists what is there and mentions --force', () => {
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `file${String(i).padStart(2, '0')}`), '');
    const problem = targetProblem(dir, false)!;
    expect(problem).toContain('is not empty (file00, file01, file02, file03, file04, file05, file06, file07, file08, file09, … (12 entries))');
    expect(problem).toContain('--force');
    expect(targetProblem(dir, true)).toBeUndefined();
  });

  test('a file in the way', () => {
    fs.writeFileSync(path.join(dir, 'app'), '');
    expect(targetProblem(path.join(dir, 'app'), true)).toContain('exists and is not a directory');
    expect(targetProblem(path.join(dir, 'app', 'sub'), false)).toContain('is not a directory');
  });
});
