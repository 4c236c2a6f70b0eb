import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `hybrid-serverless-check`, the compile step of a generated repo's build: it must report what
// `tsc --noEmit -p` and the eslint task report, and fail when either would, in one program.
const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'hybrid-serverless-check');
const ESLINT_ARGS = ['--ext', '.ts', '--fix', '--no-error-on-unmatched-pattern', 'src'];
// As a projen task runs it, without a terminal (tsc's plain format).
const env: NodeJS.ProcessEnv = { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' };
delete env.FORCE_COLOR;
delete env.NO_COLOR;

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');
const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: dir, env, encoding: 'utf-8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};
const check = (args: string[] = ['-p', 'tsconfig.json', ...ESLINT_ARGS]) => run(process.execPath, [BIN, ...args]);

beforeEach(() => {
  // A repo laid out as a generated one: its own typescript, eslint and parser (this package's).
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-check-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  write('tsconfig.json', JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: 'es2022', module: 'commonjs', types: [], incremental: true, tsBuildInfoFile: '.cache/tsbuildinfo' },
    include: ['src/**/*.ts'],
  }));
  write('.eslintrc.json', JSON.stringify({
    root: true,
    parser: '@typescript-eslint/parser',
    parserOptions: { project: ['./tsconfig.json'] },
    plugins: ['@typescript-eslint', '@stylistic'],
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@stylistic/quotes': ['error', 'single'], '@stylistic/semi': ['error', 'always'] },
  }));
  write('src/ok.ts', "export const greeting: string = 'hello';\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('green: exits 0, writes the fixes eslint --fix writes, and tsc\'s incremental state', () => {
  // Fixes of different lengths in one file, over several passes of eslint.
  const text = 'export const name = "orders"\nexport const label = "a" + "bb"\n';
  write('src/quoted.ts', text);
  write('src/by-eslint.ts', text);
  const eslint = run(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--ext', '.ts', '--fix', 'src/by-eslint.ts']);
  expect(eslint.status).toBe(0);
  expect(read('src/by-eslint.ts')).toBe("export const name = 'orders';\nexport const label = 'a' + 'bb';\n");

  const result = check();
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
  expect(read('src/quoted.ts')).toBe(read('src/by-eslint.ts'));
  expect(fs.existsSync(path.join(dir, '.cache/tsbuildinfo'))).toBe(true);
});

test('reports what tsc and eslint each report, type-aware rules included, in one run, and exits 1', () => {
  write('src/typed.ts', "export const count: number = 'three';\n");
  write('src/floating.ts', 'async function later(): Promise<number> {\n  return 1;\n}\n\nexport function start(): void {\n  later();\n}\n');
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
  const eslint = run(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), ...ESLINT_ARGS]);
  expect(tsc.stdout).toMatch(/^src\/typed\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\./);
  expect(eslint.stdout).toContain('@typescript-eslint/no-floating-promises');

  const result = check();
  expect(result.status).toBe(1);
  expect(result.stdout).toBe(tsc.stdout + eslint.stdout);
  expect(result.stderr).toBe('hybrid-serverless-check: 1 type error and 1 lint error (above).\n');
});

test('lints over the typecheck\'s program, not one of its own: the eslint config\'s project is never read', () => {
  write('.eslintrc.json', read('.eslintrc.json').replace('./tsconfig.json', './no-such-tsconfig.json'));
  write('src/floating.ts', 'export async function later(): Promise<void> {}\nexport function start(): void {\n  later();\n}\n');
  const eslint = run(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), ...ESLINT_ARGS]);
  expect(eslint.stdout).toContain('no-such-tsconfig.json');
  const result = check();
  expect(result.status).toBe(1);
  expect(result.stdout).not.toContain('no-such-tsconfig.json');
  expect(result.stdout).toContain('3:3  error  Promises must be awaited');
});

test('a linted file outside the tsconfig is an error, as for the eslint task', () => {
  write('other/loose.ts', 'export const loose = 1;\n');
  const result = check(['-p', 'tsconfig.json', ...ESLINT_ARGS, 'other']);
  expect(result.status).toBe(1);
  expect(result.stdout).toContain(path.join(dir, 'other', 'loose.ts'));
  expect(result.stdout).toMatch(/The file was not found in any of the provided program instance\(s\): other\/loose\.ts/);
});

test.each([
  [['--ext', '.ts', 'src'], 'no tsconfig: pass -p <tsconfig>'],
  [['-p', 'tsconfig.json'], 'nothing to lint: name the files or directories'],
  [['-p', 'tsconfig.json', '--cache', 'src'], 'unknown option --cache'],
  [['-p', '--fix', 'src'], '-p needs a value'],
])('a wrong command line (%j) exits 2 with the usage, and writes nothing', (args, message) => {
  write('src/quoted.ts', 'export const name = "orders";\n');
  const result = check(args);
  expect(result.status).toBe(2);
  expect(result.stderr).toBe(`hybrid-serverless-check: ${message}\nUsage: hybrid-serverless-check -p <tsconfig> [--fix] [--ext .ts,.tsx] `
    + '[--no-error-on-unmatched-pattern] <files or directories to lint>\n');
  expect(read('src/quoted.ts')).toBe('export const name = "orders";\n');
  expect(fs.existsSync(path.join(dir, '.cache'))).toBe(false);
});

test('a missing tsconfig is reported as tsc reports it, and fails', () => {
  const result = check(['-p', 'missing.json', 'src']);
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/error TS5083: Cannot read file '.*missing\.json'/);
});

test('without the repo\'s packages installed, it says to install them', () => {
  fs.rmSync(path.join(dir, 'node_modules'));
  const result = check();
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(`hybrid-serverless-check: @typescript-eslint/parser is not installed in ${dir}: run \`npm install\``);
});
