import * as fs from 'fs';
import * as path from 'path';
import { packTarball } from './e2e/util';
import { freshDir } from './util';

// The end-to-end files share one `npm pack` per jest run (test/e2e/global-setup.ts).
describe('packTarball in a run with a shared directory', () => {
  const saved = process.env.CHS_PACK_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHS_PACK_DIR;
    else process.env.CHS_PACK_DIR = saved;
  });

  test('packs once, and gives every caller its own copy of the same tarball', () => {
    const shared = freshDir('chs-pack-test-');
    process.env.CHS_PACK_DIR = shared;
    const first = packTarball();
    const second = packTarball();
    expect(fs.readdirSync(path.join(shared, 'pack'))).toEqual([path.basename(first)]);
    expect(first).not.toBe(second);
    expect(fs.readFileSync(second).equals(fs.readFileSync(first))).toBe(true);
    expect(path.basename(first)).toMatch(/^create-hybrid-serverless-.*\.tgz$/);
  });

  test('a failed pack is reported to every file that waits for it', () => {
    const shared = freshDir('chs-pack-test-');
    process.env.CHS_PACK_DIR = shared;
    fs.mkdirSync(path.join(shared, 'lock'));
    fs.writeFileSync(path.join(shared, 'failed'), 'npm pack exited 1');
    expect(() => packTarball()).toThrow(/packing this package failed \(in another test file\):\nnpm pack exited 1/);
  });
});
