import * as fs from 'fs';
import * as path from 'path';
import { filesIn, leftovers, tempDir } from './util';
import { Generator, moveIntoPlace, writeProject } from '../../src/cli/create';
import { CancelledError, CliError } from '../../src/cli/ui';

/** A stand-in for `generate`: writes the given files, then optionally fails. */
function fakeGenerator(files: Record<string, string>, failAfter?: number): Generator {
  return ({ outdir }) => {
    Object.entries(files).forEach(([file, text], index) => {
      if (index === failAfter) throw new Error('template exploded');
      fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
      fs.writeFileSync(path.join(outdir, file), text);
    });
    return { files: Object.keys(files).sort() };
  };
}

const FILES = {
  'package.json': '{}',
  'README.md': 'generated readme',
  'src/main.ts': 'main',
  'src/lambda/api.ts': 'api',
  'test/main.test.ts': 'test',
};

const base = { name: 'app', settings: {}, packageSpec: '^1.0.0' };

describe('writeProject', () => {
  let parent: string;
  beforeEach(() => { parent = tempDir(); });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('a new directory is moved into place whole, with the usual mode', async () => {
    const targetPath = path.join(parent, 'app');
    const result = await writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    expect(result).toEqual({ files: Object.keys(FILES).sort(), existing: [] });
    expect(filesIn(targetPath)).toEqual(Object.keys(FILES).sort());
    fs.mkdirSync(path.join(parent, 'made-by-mkdir'));
    expect(fs.statSync(targetPath).mode).toBe(fs.statSync(path.join(parent, 'made-by-mkdir')).mode);
    expect(fs.readdirSync(parent)).toEqual(['app', 'made-by-mkdir']);
  });

  test('missing parents are created', async () => {
    const targetPath = path.join(parent, 'a', 'b', 'app');
    await writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    expect(filesIn(targetPath)).toEqual(Object.keys(FILES).sort());
  });

  test('a generator that fails part-way leaves nothing behind, not even new parents', async () => {
    const targetPath = path.join(parent, 'a', 'b', 'app');
    const promise = writeProject({ ...base, targetPath, generator: fakeGenerator(FILES, 3) });
    await expect(promise).rejects.toThrow(CliError);
    await expect(promise).rejects.toMatchObject({
      exitCode: 1,
      message: 'Could not generate the project: template exploded. Nothing was written.',
    });
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('a Ctrl-C during generation removes the temporary directory: exit 130', async () => {
    const targetPath = path.join(parent, 'app');
    const generator: Generator = (options) => {
      const result = fakeGenerator(FILES)(options);
      process.emit('SIGINT', 'SIGINT');
      return result;
    };
    const promise = writeProject({ ...base, targetPath, generator });
    await expect(promise).rejects.toThrow(CancelledError);
    await expect(promise).rejects.toMatchObject({ exitCode: 130, message: 'Cancelled: nothing was written.' });
    expect(fs.readdirSync(parent)).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  test('a dry run writes nothing, and tells which files exist', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'mine');
    const result = await writeProject({ ...base, targetPath, dryRun: true, generator: fakeGenerator(FILES) });
    expect(result).toEqual({ files: Object.keys(FILES).sort(), existing: ['README.md'] });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(leftovers(parent)).toEqual([]);
  });

  test('a dry run below missing parents creates no parent', async () => {
    const targetPath = path.join(parent, 'a', 'b', 'app');
    await writeProject({ ...base, targetPath, dryRun: true, generator: fakeGenerator(FILES) });
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('into an existing directory: generated files replaced, the user\'s other files kept', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(path.join(targetPath, 'src'), { recursive: true });
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'mine');
    fs.writeFileSync(path.join(targetPath, 'notes.txt'), 'keep me');
    fs.writeFileSync(path.join(targetPath, 'src', 'extra.ts'), 'keep me too');
    const result = await writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    expect(result.existing).toEqual(['README.md']);
    expect(filesIn(targetPath)).toEqual([...Object.keys(FILES), 'notes.txt', 'src/extra.ts'].sort());
    expect(fs.readFileSync(path.join(targetPath, 'README.md'), 'utf-8')).toBe('generated readme');
    expect(fs.readFileSync(path.join(targetPath, 'notes.txt'), 'utf-8')).toBe('keep me');
    expect(leftovers(parent)).toEqual([]);
  });

  test('a directory in the way of a generated file: exit 1, nothing changed', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(path.join(targetPath, 'src', 'main.ts'), { recursive: true });
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'mine');
    const promise = writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    await expect(promise).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('src/main.ts is a directory, but the project has a file there'),
    });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(targetPath, 'README.md'), 'utf-8')).toBe('mine');
    expect(leftovers(parent)).toEqual([]);
  });

  test('a symbolic link on the way is not followed', async () => {
    const targetPath = path.join(parent, 'app');
    const outside = path.join(parent, 'outside');
    fs.mkdirSync(outside);
    fs.mkdirSync(targetPath);
    fs.symlinkSync(outside, path.join(targetPath, 'src'));
    const promise = writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    await expect(promise).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('src is not a directory') });
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('moveIntoPlace', () => {
  test('a failure part-way puts every replaced file back and removes what it added', () => {
    const parent = tempDir();
    try {
      const temp = path.join(parent, '.app.tmp-x');
      const target = path.join(parent, 'app');
      fs.mkdirSync(path.join(temp, 'src'), { recursive: true });
      fs.writeFileSync(path.join(temp, 'README.md'), 'new');
      fs.writeFileSync(path.join(temp, 'src', 'a.ts'), 'new');
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, 'README.md'), 'old');
      // 'z-missing.ts' was never generated: renaming it fails after the others moved.
      expect(() => moveIntoPlace(temp, target, ['README.md', 'src/a.ts', 'z-missing.ts'], true)).toThrow(/ENOENT/);
      expect(fs.readdirSync(target)).toEqual(['README.md']);
      expect(fs.readFileSync(path.join(target, 'README.md'), 'utf-8')).toBe('old');
      expect(leftovers(parent)).toEqual(['.app.tmp-x']);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
