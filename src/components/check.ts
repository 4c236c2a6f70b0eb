import { Component, Task } from 'projen';
import { AwsCdkTypeScriptApp } from 'projen/lib/awscdk';
import { NOT_IN_BUILD } from '../tasks';

/** The binary of this package that type-checks and lints over one program (src/check/main.ts). */
export const CHECK_BIN = 'hybrid-serverless-check';

/**
 * The build's compile step, the `check` task: the typecheck task and the eslint task in one
 * process, over one TypeScript program, so that aws-cdk-lib's declarations are read once, not
 * twice. Inside the build it stands in for the test task's eslint; `npx projen typecheck`,
 * `npx projen eslint` and `npx projen test` run alone as before. Without eslint, it is the typecheck.
 */
export class OneProgramCheck extends Component {
  public readonly task: Task;

  /**
   * @param typecheck the typecheck task (`tsc --noEmit -p <tsconfig>`)
   * @param tsconfig the tsconfig it type-checks, which holds every file the eslint task lints
   */
  constructor(private readonly app: AwsCdkTypeScriptApp, private readonly typecheck: Task, private readonly tsconfig: string) {
    super(app);
    this.task = app.addTask('check', {
      description: 'Type-check (the typecheck task) and lint (the eslint task) over one TypeScript program',
    });
  }

  // After projen's own components have added their lint patterns (.projenrc.ts, projenrc/).
  public preSynthesize(): void {
    const eslintTask = this.app.eslint?.eslintTask;
    const lint = eslintTask?.steps.find((step) => step.execArgs?.[0] === 'eslint');
    if (!eslintTask || !lint?.execArgs) {
      this.task.spawn(this.typecheck);
      return;
    }
    for (const [name, value] of Object.entries(eslintTask.envVars)) this.task.env(name, value);
    // The typecheck's tsconfig, then the eslint task's own arguments (those passed to it excepted).
    this.task.exec([CHECK_BIN, '-p', this.tsconfig, ...lint.execArgs.slice(1).filter((arg) => arg !== '$@')].join(' '));
    const inTest = this.app.testTask.steps.findIndex((step) => step.spawn === eslintTask.name);
    if (inTest >= 0) this.app.testTask.updateStep(inTest, { ...this.app.testTask.steps[inTest], condition: NOT_IN_BUILD });
  }
}
