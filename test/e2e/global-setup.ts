import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Once per jest run: a directory where the first end-to-end file to ask packs this package, and
 * every other file takes the same tarball (see packTarball in ./util). Unit-test runs never pack.
 */
export default function globalSetup(): void {
  process.env.CHS_PACK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-pack-shared-'));
}
