import { duration, InstallProgress, NO_PROGRESS, readNpmLine, statusLine } from '../../src/cli/progress';

test.each([
  ['npm http fetch GET 200 https://registry.npmjs.org/hono 163ms (cache updated)', { manifests: 1, packages: 0 }, false],
  ['npm http fetch GET 200 https://registry.npmjs.org/hono/-/hono-4.9.0.tgz 80ms (cache miss)', { manifests: 0, packages: 1 }, false],
  ['npm http cache projen@https://registry.npmjs.org/projen/-/projen-0.103.25.tgz 0ms (cache hit)', { manifests: 0, packages: 1 }, false],
  ['npm warn deprecated inflight@1.0.6: This module is not supported', NO_PROGRESS, true],
  ['added 548 packages in 34s', NO_PROGRESS, true],
  ['', NO_PROGRESS, false],
])('readNpmLine(%j)', (line, progress, show) => {
  expect(readNpmLine(NO_PROGRESS, line)).toEqual({ progress, show });
});

test.each([[400, '0 s'], [41_000, '41 s'], [60_000, '1 min'], [125_000, '2 min 5 s']])('duration(%i)', (ms, text) => {
  expect(duration(ms)).toBe(text);
});

test('the status line says how long, and what npm is at', () => {
  expect(statusLine(NO_PROGRESS, 1000)).toBe('  1 s: starting');
  expect(statusLine({ manifests: 212, packages: 0 }, 8000)).toBe('  8 s: resolving versions (212 package manifests read)');
  expect(statusLine({ manifests: 556, packages: 300 }, 40_000)).toBe('  40 s: unpacking packages (300 so far)');
});

/** A terminal (or a log) that records what is written to it. */
function screen(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 80, write: (text: string) => { written.push(text); return true; } } };
}

test('in a log: each step announced with how long it usually takes, npm\'s own lines passed on, no status line', () => {
  const out = screen(false);
  const err = screen(false);
  let now = 0;
  const progress = new InstallProgress({ stdout: out.stream, stderr: err.stream, now: () => now });
  progress.start({ title: 'Installing dependencies with npm', usually: 'usually 30 s to 2 min', npm: true }, 1, 2);
  progress.output('stderr', 'npm http fetch GET 200 https://registry.npmjs.org/hono 1ms (cache hit)\nnpm warn deprec');
  progress.output('stderr', 'ated x@1\n');
  progress.output('stdout', 'added 548 packages in 34s\n');
  now = 34_400;
  expect(progress.end(true)).toBe(34_400);
  expect(out.written.join('')).toBe('Installing dependencies with npm… (step 1 of 2, usually 30 s to 2 min)\nadded 548 packages in 34s\n  done in 34 s.\n');
  expect(err.written.join('')).toBe('npm warn deprecated x@1\n');
});

test('in a terminal: a status line under the output, cleared before each line and at the end', () => {
  const out = screen(true);
  let now = 0;
  const progress = new InstallProgress({ stdout: out.stream, stderr: out.stream, now: () => now });
  progress.start({ title: 'Installing dependencies with npm', usually: 'usually 30 s to 2 min', npm: true }, 1, 1);
  now = 3000;
  progress.output('stderr', 'npm http fetch GET 200 https://registry.npmjs.org/hono 1ms (cache hit)\nnpm warn x\n');
  now = 5000;
  progress.end(false);
  expect(out.written.join('')).toBe(
    'Installing dependencies with npm… (usually 30 s to 2 min)\n' +
    '\r\u001b[K  0 s: starting' +
    '\r\u001b[Knpm warn x\n\r\u001b[K  3 s: resolving versions (1 package manifest read)' +
    '\r\u001b[K');
});
