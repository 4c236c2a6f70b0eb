import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/**
 * The CDK infrastructure. The constructs are this package's (`create-hybrid-serverless/constructs`, src/constructs/);
 * managed under `src/hybrid/`: the typed config (the settings of every environment), `PrivateApp` bound to it and to
 * the repo's Lambda entry, the environments' Stage and the constructs' re-exports, which the managed files may
 * import though the package is a devDependency. Owned by the team: the app entry `src/main.ts` and the stack.
 */
export class Infrastructure extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    const managed = ['src/hybrid/config.ts', 'src/hybrid/environments.ts', 'src/hybrid/private-app.ts', 'src/hybrid/index.ts'];
    for (const file of managed) {
      new ManagedFile(project, file, { context });
      project.eslint?.allowDevDeps(file);
    }

    ownedFile(project, 'src/main.ts', context);
    ownedFile(project, 'src/app-stack.ts', context);
  }
}
