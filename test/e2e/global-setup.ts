import * as fs from 'fs';
import * as path from 'path';
import { E2E_TMPDIR } from './tmpdir';

/**
 * Once per jest run: a directory where the first end-to-end file to ask packs this package, and
 * every other file takes the same tarball (see packTarball in ./util), and where the first
 * shared install leaves its copy (createWithSharedInstall). Unit-test runs never pack.
 */
export default function globalSetup(): void {
  process.env.CHS_PACK_DIR = fs.mkdtempSync(path.join(E2E_TMPDIR, 'chs-pack-shared-'));
}
