import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Component, javascript } from 'projen';

/** This package's npm name and the version of it that is running now. */
export const PACKAGE_NAME = 'create-hybrid-serverless';
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACKAGE_VERSION: string = require('../package.json').version;

/** Set while `npx projen` runs again with a newly installed version, so that it runs once. */
const RESYNTH_ENV = 'CREATE_HYBRID_SERVERLESS_RESYNTH';

/**
 * Makes an upgrade take one `npx projen`: when projen's install step brings a different version
 * of this package than the one that synthesized (a version changed in package.json), it
 * synthesizes once more with the installed one, so the managed files match the package in
 * node_modules.
 */
export class FollowInstalledVersion extends Component {
  constructor(private readonly app: javascript.NodeProject) {
    super(app);
  }

  // After projen's own post-synthesis step, the install.
  public postSynthesize(): void {
    if (process.env[RESYNTH_ENV]) return;
    const installed = installedVersion(this.app.outdir);
    if (!installed || installed === PACKAGE_VERSION) return;
    this.app.logger.info(`${PACKAGE_NAME} ${installed} is installed, ${PACKAGE_VERSION} ran: synthesizing again with ${installed}`);
    execSync(`${this.app.projenCommand} default`, {
      cwd: this.app.outdir,
      stdio: 'inherit',
      env: { ...process.env, [RESYNTH_ENV]: '1' },
    });
  }
}

function installedVersion(outdir: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outdir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf-8')).version;
  } catch {
    return undefined;
  }
}
