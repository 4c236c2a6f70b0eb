import { Component, Project } from 'projen';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile, render } from '../render';
import { EVENT_SHAPES } from '../topologies';

/** The managed architecture document, which follows the settings and the package version. */
export const ARCHITECTURE_DOC = 'docs/architecture.md';

/**
 * The generated repo's documentation. `README.md` is the team's, written once; what must follow
 * the settings and the package version (the request path, the acknowledged cdk-nag rules, the
 * placeholders still to replace) is in the managed `docs/architecture.md`, which it links to.
 */
export class Docs extends Component {
  constructor(project: Project, context: TemplateContext) {
    super(project);
    ownedFile(project, 'README.md', context);
    // The parts that differ per topology and per event shape are templates of their own (src/topologies.ts).
    new ManagedFile(project, ARCHITECTURE_DOC, {
      context: {
        ...context,
        // Without their last line break: the document lays out the lines around them.
        topologyDocs: render(context.topology.docs, context).replace(/\n$/, ''),
        eventDocs: render(EVENT_SHAPES[context.topology.event].docs, context).replace(/\n$/, ''),
      },
    });
  }
}
