import * as fs from 'fs';
import * as os from 'os';

/**
 * Where the end-to-end tests write: a RAM disk (/dev/shm) when the machine has one with room, else the system's
 * temporary directory; `CHS_E2E_TMPDIR` chooses. A generated repo is about 27,000 files and 420 MB once installed:
 * on the virtual disks of these machines `npm install` alone spent 27 s of system CPU writing them, 6 s on a RAM
 * disk, and the builds write cdk.out, caches and coverage on top. (Its own module: jest's global setup uses it too.)
 */
export const E2E_TMPDIR = process.env.CHS_E2E_TMPDIR ?? (hasRoom('/dev/shm', 8 * 1024 ** 3) ? '/dev/shm' : os.tmpdir());

function hasRoom(dir: string, bytes: number): boolean {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize >= bytes;
  } catch {
    return false;
  }
}
