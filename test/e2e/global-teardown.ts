import * as fs from 'fs';

/** Removes the run's shared tarball and install (see ./global-setup). */
export default function globalTeardown(): void {
  if (process.env.CHS_PACK_DIR) fs.rmSync(process.env.CHS_PACK_DIR, { recursive: true, force: true });
}
