import * as fs from 'fs';
import * as path from 'path';
import { Component } from 'projen';

/**
 * `projen new --from create-hybrid-serverless` writes the featured options as comments, the
 * topology as `Topology.ALB_LAMBDA`, but imports only the project type: this adds `Topology` to
 * that import, so that every commented setting compiles once uncommented.
 */
export class ProjenrcImports extends Component {
  public projectCreation(): void {
    const file = path.join(this.project.outdir, '.projenrc.ts');
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file, 'utf-8');
    const updated = text.replace(/import \{ HybridServerlessApp \} from (["'])create-hybrid-serverless\1;/,
      'import { HybridServerlessApp, Topology } from $1create-hybrid-serverless$1;');
    if (updated !== text) fs.writeFileSync(file, updated);
  }
}
