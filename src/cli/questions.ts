import * as path from 'path';
import type { PromptObject } from 'prompts';
import { SETTINGS, SettingSpec, withDefaults } from '../settings';
import { DEFAULT_DIRECTORY, formatTargetDir } from './args';
import { answerProblem, GivenSettings, isWanted, normalize, valuesOf } from './inputs';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { CancelledError, dim } from './ui';

/** Asks one question; `prompts` in the CLI, a stand-in in tests. */
export type Ask = (question: PromptObject<'value'>) => Promise<unknown>;

/** Asks with `prompts`, loaded only when there is something to ask. */
export const askWithPrompts: Ask = async (question) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prompts = require('prompts') as typeof import('prompts');
  // The default onCancel lets prompts carry on with partial answers: Ctrl-C or Esc must stop.
  const answers = await prompts(question, { onCancel: () => { throw new CancelledError(); } });
  return answers.value;
};

/** Checks a typed directory as the CLI will use it: a valid name, an empty or new directory. */
export function checkDirectoryAnswer(input: string, cwd: string, force: boolean): string | undefined {
  const directory = formatTargetDir(input);
  const problem = directoryProblem(directory);
  if (problem) return problem;
  const targetPath = path.resolve(cwd, directory);
  return projectNameFor(targetPath).problem ?? targetProblem(targetPath, force);
}

export function directoryQuestion(cwd: string, force: boolean): PromptObject<'value'> {
  return {
    type: 'text',
    name: 'value',
    message: 'Project directory',
    initial: DEFAULT_DIRECTORY,
    validate: (input: string) => checkDirectoryAnswer(input || DEFAULT_DIRECTORY, cwd, force) ?? true,
  };
}

/** The question for one setting: its default follows the answers so far (the certificate's region). */
export function settingQuestion(spec: SettingSpec, known: GivenSettings): PromptObject<'value'> {
  const initial = withDefaults(valuesOf(known))[spec.key];
  const message = spec.hint ? `${spec.question} ${dim(`(${spec.hint})`)}` : spec.question;
  if (spec.kind === 'choice') {
    const choices = spec.choices ?? [];
    return {
      type: 'select',
      name: 'value',
      message,
      choices: choices.map((choice) => ({ title: choice.title, description: choice.description, value: choice.value })),
      initial: Math.max(0, choices.findIndex((choice) => choice.value === initial)),
    };
  }
  if (spec.kind === 'boolean') {
    // `confirm`, not `toggle`: a yes/no question should take y and n (a toggle only takes space and arrows).
    return { type: 'confirm', name: 'value', message, initial: Boolean(initial) };
  }
  return {
    type: 'text',
    name: 'value',
    message,
    // An optional setting has no default: an empty answer leaves it out.
    initial: Array.isArray(initial) ? initial.join(', ') : initial === undefined ? '' : String(initial),
    validate: (input: string) => (isLeftOut(spec, input) ? undefined : answerProblem(spec.key, input, known)) ?? true,
  };
}

function isLeftOut(spec: SettingSpec, answer: unknown): boolean {
  return Boolean(spec.optional) && typeof answer === 'string' && answer.trim() === '';
}

/**
 * Asks, in registry order, for the directory (when not given) and every setting not given.
 * Answers are normalized as flags are; the caller checks everything once more afterwards.
 */
export async function askMissing(options: {
  readonly askDirectory: boolean;
  readonly given: GivenSettings;
  readonly cwd: string;
  readonly force: boolean;
  readonly ask?: Ask;
  /** Shows why an answer was refused. */
  readonly warn: (text: string) => void;
}): Promise<{ directory?: string; settings: GivenSettings }> {
  const ask = options.ask ?? askWithPrompts;
  let directory: string | undefined;
  if (options.askDirectory) {
    const answer = await ask(directoryQuestion(options.cwd, options.force));
    directory = formatTargetDir(typeof answer === 'string' && answer ? answer : DEFAULT_DIRECTORY);
  }
  const settings: GivenSettings = { ...options.given };
  for (const spec of SETTINGS) {
    if (settings[spec.key] || !isWanted(spec, settings)) continue;
    for (;;) {
      const answer = await ask(settingQuestion(spec, settings));
      // prompts gives `undefined` when a question was dismissed without Ctrl-C: treat it as one.
      if (answer === undefined) throw new CancelledError();
      if (isLeftOut(spec, answer)) break;
      // A select or confirm cannot validate inline; one that conflicts with a flag (topology
      // alb-lambda with --vpc-endpoint-id) is explained and asked again. Text answers were
      // validated by the prompt, and are all checked again once everything is answered.
      const problem = spec.kind === 'choice' || spec.kind === 'boolean' ? answerProblem(spec.key, answer, settings) : undefined;
      if (problem) {
        options.warn(problem);
        continue;
      }
      settings[spec.key] = { value: normalize(spec, answer), label: spec.key };
      break;
    }
  }
  return { directory, settings };
}
