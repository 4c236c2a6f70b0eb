import * as path from 'path';
import type { PromptObject } from 'prompts';
import { OidcAuthSettings } from '../options';
import { DEFAULT_ENVIRONMENT, placeholdersIn, SETTINGS, SettingSpec, withDefaults } from '../settings';
import { Check, checkClientId, checkEnvironmentName, checkHttpsUrl, checkIssuer, checkSecretReference } from '../validate';
import { DEFAULT_DIRECTORY, formatTargetDir } from './args';
import { answerProblem, GivenSettings, isWanted, normalize, valuesOf } from './inputs';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { CancelledError, dim, useColor, wrap } from './ui';

/** Asks one question; `prompts` in the CLI, a stand-in in tests. */
export type Ask = (question: PromptObject<'value'>) => Promise<unknown>;

/** Rows kept free below a question, so that its one-line error never scrolls the screen (see `askWithPrompts`). */
const ROWS_BELOW = 3;

/**
 * Asks with `prompts`, loaded only when there is something to ask. prompts draws an error under
 * the question and jumps back with a saved cursor position; if that line scrolls the screen or
 * wraps, the jump lands on the wrong row and every redraw leaves copies and erases answered
 * questions. So rows are made free below the question first, and errors are cut to one line.
 */
export const askWithPrompts: Ask = async (question) => {
  const prompts = loadPrompts();
  if (process.stdout.isTTY) process.stdout.write(`${'\n'.repeat(ROWS_BELOW)}\u001b[${ROWS_BELOW}A`);
  // The default onCancel lets prompts carry on with partial answers: Ctrl-C or Esc must stop.
  const answers = await prompts(question, { onCancel: () => { throw new CancelledError(); } });
  return answers.value;
};

/**
 * prompts colours with kleur, which does not know NO_COLOR (https://no-color.org) and colours
 * prompts' symbols as they are loaded. kleur reads NODE_DISABLE_COLORS once, when it is loaded:
 * it is set for that moment only. (Reaching kleur itself would not work in the bundled CLI, where
 * prompts' kleur is inside the bundle.)
 */
function loadPrompts(): typeof import('prompts') {
  const previous = process.env.NODE_DISABLE_COLORS;
  if (!useColor(process.stdout)) process.env.NODE_DISABLE_COLORS = '1';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('prompts');
  } finally {
    if (previous === undefined) delete process.env.NODE_DISABLE_COLORS;
    else process.env.NODE_DISABLE_COLORS = previous;
  }
}

/** A validation message that fits on the one line under the question (in a terminal). */
export function oneLine(message: string): string {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  const max = columns ? columns - 4 : Infinity;
  if (message.length <= max) return message;
  // The answer is on screen just above: long quotes of it are shortened, and whole sentences
  // are kept while they fit, so the reason shows rather than the echo.
  const shorter = message
    .replace(/^"[^"]*" (is|are|has|does)\b/, 'That $1')
    .replace(/"[^"]*"/g, (quoted) => (quoted.length > 24 ? `${quoted.slice(0, 12)}…"` : quoted));
  const [first, ...rest] = shorter.split(/(?<=[.?!]) /);
  let line = first.length <= max ? first : `${first.slice(0, max - 1)}…`;
  for (const sentence of rest) {
    if (line.length + 1 + sentence.length > max) break;
    line = `${line} ${sentence}`;
  }
  return line;
}

/** `validate` for prompts: the problem in one line, or `true`. */
function validator(check: (input: string) => string | undefined): (input: string) => string | true {
  return (input) => {
    const problem = check(input);
    return problem === undefined ? true : oneLine(problem);
  };
}

/** A setting's question, short (one line at 80 columns); what was in brackets goes to the hint. */
export function shortQuestion(spec: SettingSpec): { question: string; aside?: string } {
  const match = /^(.*?) \((.*)\)(\??)$/.exec(spec.question);
  return match ? { question: `${match[1]}${match[3]}`, aside: match[2] } : { question: spec.question };
}

/** The lines shown above a question: what it means, and whether the value offered is a placeholder. */
export function hintLines(spec: SettingSpec, known: GivenSettings): string[] {
  const { aside } = shortQuestion(spec);
  const texts = [aside, spec.hint].filter((text): text is string => Boolean(text));
  const defaults = withDefaults(valuesOf(known));
  if (placeholdersIn(defaults).includes(spec.key)) texts.push('A placeholder: Enter keeps it; set the real value before cdk deploy.');
  const width = Math.min(process.stdout.isTTY ? process.stdout.columns || 80 : 80, 100);
  return texts.flatMap((text) => wrap(text, width - 2, '  ')).map((line) => `  ${line}`);
}

/** "y", "yes", "n", "no" (any case), or empty for the default; `undefined` for anything else. */
export function parseYesNo(answer: unknown, initial: boolean): boolean | undefined {
  if (typeof answer === 'boolean') return answer;
  const text = typeof answer === 'string' ? answer.trim().toLowerCase() : '';
  if (text === '') return initial;
  if (text === 'y' || text === 'yes') return true;
  if (text === 'n' || text === 'no') return false;
  return undefined;
}

/**
 * A yes/no question that takes y or n and then Enter, as every other question does: prompts'
 * `confirm` answers on the y itself, and the Enter that follows answered the next question.
 */
export function yesNoQuestion(message: string, initial: boolean): PromptObject<'value'> {
  return {
    type: 'text',
    name: 'value',
    message: `${message} ${initial ? '(Y/n)' : '(y/N)'}`,
    // Shown as the answer Enter gives.
    initial: initial ? 'yes' : 'no',
    validate: validator((input) => (parseYesNo(input, initial) === undefined ? 'answer y or n (Enter: the default).' : undefined)),
  };
}

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
    validate: validator((input: string) => checkDirectoryAnswer(input || DEFAULT_DIRECTORY, cwd, force)),
  };
}

/** The question for one setting: its default follows the answers so far (the certificate's region). */
export function settingQuestion(spec: SettingSpec, known: GivenSettings): PromptObject<'value'> {
  const initial = withDefaults(valuesOf(known))[spec.key];
  const message = shortQuestion(spec).question;
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
  if (spec.kind === 'boolean') return yesNoQuestion(message, Boolean(initial));
  return {
    type: 'text',
    name: 'value',
    message,
    // An optional setting has no default: an empty answer leaves it out.
    initial: Array.isArray(initial) ? initial.join(', ') : initial === undefined ? '' : String(initial),
    validate: validator((input: string) => (isLeftOut(spec, input) ? undefined : answerProblem(spec.key, input, known))),
  };
}

function isLeftOut(spec: SettingSpec, answer: unknown): boolean {
  return Boolean(spec.optional) && typeof answer === 'string' && answer.trim() === '';
}

/** Asks for the first environment's name (more can be added in `.projenrc.ts` later). */
export async function askEnvironmentName(ask: Ask = askWithPrompts): Promise<string> {
  const answer = await ask({
    type: 'text',
    name: 'value',
    message: 'Name of the first environment',
    initial: DEFAULT_ENVIRONMENT,
    validate: validator((input: string) => checkEnvironmentName(input.trim())),
  });
  if (answer === undefined) throw new CancelledError();
  return String(answer).trim();
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
  /** Shows the hint lines above a question. @default - none */
  readonly note?: (text: string) => void;
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
      for (const line of hintLines(spec, settings)) options.note?.(dim(line));
      const question = settingQuestion(spec, settings);
      const typed = await ask(question);
      const answer = spec.kind === 'boolean' && typed !== undefined ? parseYesNo(typed, Boolean(withDefaults(valuesOf(settings))[spec.key])) : typed;
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

/** The sign-in's questions, after the yes: what the provider shows for the app's registration. */
export function authQuestions(region: string): ReadonlyArray<{ field: keyof OidcAuthSettings; message: string; check: Check<unknown> }> {
  return [
    { field: 'issuer', message: 'Identity provider\'s issuer URL', check: checkIssuer },
    { field: 'authorizationEndpoint', message: 'Its authorization endpoint', check: checkHttpsUrl },
    { field: 'tokenEndpoint', message: 'Its token endpoint', check: checkHttpsUrl },
    { field: 'userInfoEndpoint', message: 'Its user info endpoint', check: checkHttpsUrl },
    { field: 'clientId', message: 'The app\'s client id', check: checkClientId },
    { field: 'clientSecret', message: 'Secrets Manager secret (name or ARN) holding the client secret', check: checkSecretReference(region) },
  ];
}

/**
 * Asks whether the load balancer signs users in and, if so, the provider's details. The scopes,
 * the session timeout and the provider's CIDRs keep their defaults (set them in `.projenrc.ts`).
 */
export async function askAuth(options: {
  readonly region: string;
  readonly ask?: Ask;
  readonly note?: (text: string) => void;
}): Promise<OidcAuthSettings | undefined> {
  const ask = options.ask ?? askWithPrompts;
  const width = Math.min(process.stdout.isTTY ? process.stdout.columns || 80 : 80, 100);
  const note = (text: string) => wrap(text, width - 4, '  ').forEach((line) => options.note?.(dim(`  ${line}`)));
  note('OpenID Connect at the load balancer (Entra ID, Okta, Ping, ADFS, Cognito): pages redirect to sign in, ' +
    '/api/* calls without a session get 401.');
  const typed = await ask(yesNoQuestion('Sign users in with your identity provider?', false));
  if (typed === undefined) throw new CancelledError();
  if (!parseYesNo(typed, false)) return undefined;
  note('From the provider\'s registration of the app and <issuer>/.well-known/openid-configuration. ' +
    'Register the callback https://<host name>/oauth2/idpresponse. The client secret stays in Secrets Manager.');
  const auth: Record<string, string> = {};
  for (const { field, message, check } of authQuestions(options.region)) {
    const answer = await ask({ type: 'text', name: 'value', message, initial: '', validate: validator((input) => check(input.trim())) });
    if (answer === undefined) throw new CancelledError();
    auth[field] = String(answer).trim();
  }
  return auth as unknown as OidcAuthSettings;
}
