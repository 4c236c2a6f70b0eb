import { Component, Project } from 'projen';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/**
 * The generated repo's tests. Managed under `test/hybrid/`: the infrastructure checks of the
 * chosen topology, the adapter's tests and real event payloads (they follow the package on
 * upgrade and the topology on change). Owned by the team: the API's tests.
 */
export class AppTests extends Component {
  constructor(project: Project, context: TemplateContext) {
    super(project);
    for (const file of ['test/hybrid/events.ts', 'test/hybrid/http.test.ts', 'test/hybrid/infrastructure.test.ts']) {
      new ManagedFile(project, file, { context });
    }
    ownedFile(project, 'test/api.test.ts', context);
  }
}
