import { Component } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { TemplateContext } from '../context';
import { ownedFile } from '../owned';
import { ManagedFile } from '../render';

/**
 * The CDK infrastructure. Managed under `src/hybrid/`: the typed config, the imported
 * network, the internal load balancer (in the topologies that have one), the construct that
 * wires the chosen topology and `PrivateApp`, which composes them. Owned by the team: the app entry `src/main.ts` and the stack.
 */
export class Infrastructure extends Component {
  constructor(project: AwsCdkTypeScriptApp, context: TemplateContext) {
    super(project);
    const managed = [
      'src/hybrid/config.ts',
      'src/hybrid/environments.ts',
      'src/hybrid/network.ts',
      ...(context.topology.loadBalancer ? ['src/hybrid/internal-alb.ts'] : []),
      'src/hybrid/topology.ts',
      `src/hybrid/${context.topology.construct.module}.ts`,
      'src/hybrid/private-app.ts',
      'src/hybrid/index.ts',
      ...(context.endpoints ? ['src/hybrid/private-endpoint.ts'] : []),
      ...(context.topology.restApi ? ['src/hybrid/private-rest-api.ts'] : []),
    ];
    for (const file of managed) new ManagedFile(project, file, { context });

    ownedFile(project, 'src/main.ts', context);
    ownedFile(project, 'src/app-stack.ts', context);
  }
}
