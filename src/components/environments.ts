import { Component, github } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { ResolvedEnvironment } from '../settings';

/** The artifact that carries the tested cloud assembly from the build job to the deploy jobs. */
const ASSEMBLY_ARTIFACT = 'cloud-assembly';

/**
 * The environments' delivery: per environment, `deploy:<name>`, `diff:<name>` and (not in
 * production) `destroy:<name>`, each building first and then using the assembly that build
 * synthesized and tested; and a GitHub Actions workflow that builds once on the release branch and
 * deploys that assembly to each environment in order, each job in the GitHub environment of the
 * same name, assuming a role through GitHub's OIDC provider.
 */
export class Environments extends Component {
  constructor(app: AwsCdkTypeScriptApp, environments: readonly ResolvedEnvironment[]) {
    super(app);
    for (const environment of environments) {
      const stacks = `${environment.name}/*`;
      const task = (verb: string, description: string, command: string) => {
        const added = app.addTask(`${verb}:${environment.name}`, { description, receiveArgs: true });
        // What is deployed is what the build tested: the assembly it synthesized, assets included.
        added.spawn(app.buildTask);
        added.exec(command, { receiveArgs: true });
      };
      task('deploy', `Build, then deploy the environment ${environment.name} (${environment.account}, ${environment.region})`,
        `cdk deploy --app ${app.cdkConfig.cdkout} '${stacks}'`);
      task('diff', `Build, then compare the environment ${environment.name} with what is deployed`,
        `cdk diff --app ${app.cdkConfig.cdkout} '${stacks}'`);
      if (!environment.production) {
        task('destroy', `Build, then delete the stacks of the environment ${environment.name}`,
          `cdk destroy --app ${app.cdkConfig.cdkout} '${stacks}'`);
      }
    }
    if (app.github) deployWorkflow(app, app.github, environments);
  }
}

function deployWorkflow(app: AwsCdkTypeScriptApp, gh: github.GitHub, environments: readonly ResolvedEnvironment[]): void {
  const workflow = gh.addWorkflow('deploy');
  workflow.on({ push: { branches: [app.release?.branches[0] ?? 'main'] }, workflowDispatch: {} });
  const setup: github.workflows.JobStep[] = [
    { name: 'Checkout', uses: 'actions/checkout@v4' },
    { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': 'lts/*', 'cache': 'npm' } },
    { name: 'Install dependencies', run: 'npm ci' },
  ];
  workflow.addJob('build', {
    name: 'Build and test once',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    steps: [
      ...setup,
      { name: 'Build: type-check, test with cdk-nag, synthesize', run: 'npx projen build' },
      {
        name: 'Keep the tested cloud assembly',
        uses: 'actions/upload-artifact@v4',
        with: { 'name': ASSEMBLY_ARTIFACT, 'path': `${app.cdkConfig.cdkout}/`, 'if-no-files-found': 'error' },
      },
    ],
  });
  let previous = 'build';
  for (const environment of environments) {
    const id = `deploy-${environment.name}`;
    workflow.addJob(id, {
      name: `Deploy ${environment.name}`,
      needs: [previous],
      runsOn: ['ubuntu-latest'],
      // The GitHub environment of the same name: its protection rules (an approval for production)
      // and its variables apply.
      environment: environment.name,
      concurrency: { 'group': id, 'cancel-in-progress': false },
      permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
      steps: [
        ...setup,
        { name: 'Get the tested cloud assembly', uses: 'actions/download-artifact@v4', with: { name: ASSEMBLY_ARTIFACT, path: `${app.cdkConfig.cdkout}/` } },
        {
          name: 'Assume the deploy role (OIDC, no long-lived keys)',
          uses: 'aws-actions/configure-aws-credentials@v4',
          with: {
            'role-to-assume': environment.deployRoleArn ?? '${{ secrets.AWS_DEPLOY_ROLE_ARN }}',
            'aws-region': environment.region,
          },
        },
        {
          name: `Deploy ${environment.name} (${environment.account}, ${environment.region})`,
          run: `npx cdk deploy --app ${app.cdkConfig.cdkout} '${environment.name}/*' --require-approval never`,
        },
      ],
    });
    previous = id;
  }
}
