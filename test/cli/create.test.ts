import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { filesIn, leftovers, tempDir } from './util';
import { Generator, LOCK_FILE, writeProject } from '../../src/cli/create';
import { CliError } from '../../src/cli/ui';

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
    expect(result).toEqual({ files: Object.keys(FILES).sort(), written: Object.keys(FILES).sort(), identical: [], kept: [], gitignoreMerged: false });
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

  test('a dry run writes nothing, and tells which files exist', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'mine');
    const result = await writeProject({ ...base, targetPath, dryRun: true, generator: fakeGenerator(FILES) });
    expect(result).toMatchObject({ files: Object.keys(FILES).sort(), kept: ['README.md'], identical: [] });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(leftovers(parent)).toEqual([]);
  });

  test('a dry run below missing parents creates no parent', async () => {
    const targetPath = path.join(parent, 'a', 'b', 'app');
    await writeProject({ ...base, targetPath, dryRun: true, generator: fakeGenerator(FILES) });
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('into an existing directory (--force): new files added; a file that differs is kept and reported, never replaced', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(path.join(targetPath, 'src'), { recursive: true });
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'mine');
    fs.writeFileSync(path.join(targetPath, 'package.json'), '{}');
    fs.writeFileSync(path.join(targetPath, 'src', 'main.ts'), 'my uncommitted edit');
    fs.writeFileSync(path.join(targetPath, 'notes.txt'), 'keep me');
    const result = await writeProject({ ...base, targetPath, force: true, generator: fakeGenerator(FILES) });
    expect(result).toMatchObject({ kept: ['README.md', 'src/main.ts'], identical: ['package.json'], written: ['src/lambda/api.ts', 'test/main.test.ts'] });
    expect(filesIn(targetPath)).toEqual([...Object.keys(FILES), 'notes.txt'].sort());
    expect(fs.readFileSync(path.join(targetPath, 'README.md'), 'utf-8')).toBe('mine');
    expect(fs.readFileSync(path.join(targetPath, 'src', 'main.ts'), 'utf-8')).toBe('my uncommitted edit');
    expect(fs.readFileSync(path.join(targetPath, 'notes.txt'), 'utf-8')).toBe('keep me');
    expect(leftovers(parent)).toEqual([]);
    expect(fs.existsSync(path.join(targetPath, LOCK_FILE))).toBe(false);
  });

  test('the user\'s .gitignore is kept, line for line, and gets the entries the project needs at its end', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    fs.writeFileSync(path.join(targetPath, '.gitignore'), '.env\nsecrets/\n/node_modules/');
    const result = await writeProject({ ...base, targetPath, force: true, generator: fakeGenerator({ ...FILES, '.gitignore': '# ours\n/node_modules/\n/lib/\n!/.projenrc.ts\n' }) });
    expect(result).toMatchObject({ kept: ['.gitignore'], gitignoreMerged: true });
    expect(fs.readFileSync(path.join(targetPath, '.gitignore'), 'utf-8')).toBe(
      '.env\nsecrets/\n/node_modules/\n# Added by create-hybrid-serverless: what the project needs ignored\n/lib/\n!/.projenrc.ts\n');
  });

  test('another run writing into the same directory (its lock held): exit 1, nothing changed', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    // This very process is running, so its lock is live.
    fs.writeFileSync(path.join(targetPath, LOCK_FILE), `${process.pid}\n`);
    const promise = writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    await expect(promise).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining(`another run (process ${process.pid}) is writing there`) });
    expect(fs.readdirSync(targetPath)).toEqual([LOCK_FILE]);
    expect(leftovers(parent)).toEqual([]);
  });

  test('what a killed run left (a lock, a temporary directory) is removed by the next run', async () => {
    const targetPath = path.join(parent, 'app');
    const dead = spawnSync('true').pid;
    fs.mkdirSync(targetPath);
    fs.writeFileSync(path.join(targetPath, LOCK_FILE), `${dead}\n`);
    fs.mkdirSync(path.join(parent, `.app.tmp-${dead}-AbC123`, 'src'), { recursive: true });
    // A temporary directory of a run still going is left alone.
    fs.mkdirSync(path.join(parent, `.app.tmp-${process.pid}-XyZ789`));
    await writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    expect(filesIn(targetPath)).toEqual(Object.keys(FILES).sort());
    expect(leftovers(parent)).toEqual([`.app.tmp-${process.pid}-XyZ789`]);
  });

  test('a project that appears at the target while generating (another run won): exit 1, its files and parents kept', async () => {
    const targetPath = path.join(parent, 'new', 'app');
    const generator: Generator = (options) => {
      // The other run finishes first, into the parent this run created.
      fs.mkdirSync(targetPath);
      fs.writeFileSync(path.join(targetPath, 'README.md'), 'the winner\'s');
      return fakeGenerator(FILES)(options);
    };
    const promise = writeProject({ ...base, targetPath, generator });
    await expect(promise).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('it was created by another program (another run?)') });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(targetPath, 'README.md'), 'utf-8')).toBe('the winner\'s');
    expect(leftovers(path.join(parent, 'new'))).toEqual([]);
  });

  test('files that appear in an empty target while generating (another run): exit 1, theirs kept, the runs never mixed', async () => {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    const generator: Generator = (options) => {
      fs.writeFileSync(path.join(targetPath, 'README.md'), 'the other run\'s');
      return fakeGenerator(FILES)(options);
    };
    const promise = writeProject({ ...base, targetPath, generator });
    await expect(promise).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('files appeared in it (another run?)') });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(leftovers(parent)).toEqual([]);
  });

  test('a dry run writes nothing beside the target, not even a temporary directory', async () => {
    const targetPath = path.join(parent, 'app');
    const events: string[] = [];
    const watcher = fs.watch(parent, (_, file) => events.push(String(file)));
    try {
      await writeProject({ ...base, targetPath, dryRun: true, generator: fakeGenerator(FILES) });
      // Let the events of the writes, if any, arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      watcher.close();
    }
    expect(events).toEqual([]);
  });

  test('a directory name too long for a temporary name beside it still works', async () => {
    const targetPath = path.join(parent, 'a'.repeat(240));
    await writeProject({ ...base, targetPath, generator: fakeGenerator(FILES) });
    expect(filesIn(targetPath)).toEqual(Object.keys(FILES).sort());
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

test('a failure part-way through adding files removes what it added, and the user\'s files are as they were', async () => {
  const parent = tempDir();
  try {
    const targetPath = path.join(parent, 'app');
    fs.mkdirSync(targetPath);
    fs.writeFileSync(path.join(targetPath, 'README.md'), 'old');
    // 'z-missing.ts' was never generated: adding it fails after the others were added.
    const generator: Generator = (options) => ({ files: [...fakeGenerator(FILES)(options).files, 'z-missing.ts'] });
    await expect(writeProject({ ...base, targetPath, force: true, generator })).rejects.toMatchObject({ exitCode: 1 });
    expect(filesIn(targetPath)).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(targetPath, 'README.md'), 'utf-8')).toBe('old');
    expect(leftovers(parent)).toEqual([]);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
