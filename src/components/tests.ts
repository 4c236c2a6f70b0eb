import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/**
 * The generated repo's tests. Managed under `test/hybrid/`: the infrastructure checks of the
 * chosen topology and of the API function, what the runtime promises of the team's Lambda entry
 * (tested in full in this package, test/runtime/), real event payloads and the Jest setup (they
 * follow the package on upgrade and the topology on change). Owned by the team: the API's tests.
 */
export class AppTests extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    const managed = [
      'test/hybrid/events.ts',
      'test/hybrid/setup.ts',
      'test/hybrid/handler.test.ts',
      'test/hybrid/infrastructure.test.ts',
      'test/hybrid/handler-infrastructure.test.ts',
    ];
    for (const file of managed) new ManagedFile(project, file, { context });
    // Powertools quiet in tests (no log lines, no metrics output) unless a test asks.
    project.jest?.addSetupFile('<rootDir>/test/hybrid/setup.ts');
    ownedFile(project, 'test/api.test.ts', context);
  }
}
