import * as path from 'path';
import type { PromptObject } from 'prompts';
import { OidcAuthSettings } from '../options';
import { AUTH_FIELDS, DEFAULT_ENVIRONMENT, placeholdersIn, SETTINGS, SettingSpec, withDefaults } from '../settings';
import { Check, checkEnvironmentName } from '../validate';
import { DEFAULT_DIRECTORY, formatTargetDir } from './args';
import { DiscoveredEndpoints, Discover, discover, discoveryUrl } from './discovery';
import { answerProblem, GivenSettings, isWanted, normalize, valuesOf } from './inputs';
import { askText } from './line-editor';
import { directoryProblem, projectNameFor, targetProblem } from './target';
import { CancelledError, dim, useColor, wrap } from './ui';

/** Asks one question; `prompts` in the CLI, a stand-in in tests. */
export type Ask = (question: PromptObject<'value'>) => Promise<unknown>;

/**
 * Asks in the terminal: text questions (and yes/no, which take y or n and Enter) with the CLI's
 * own line editor (see line-editor.ts: shell editing keys, errors wrapped whole under the
 * answer); a choice with `prompts`' select, loaded only when there is one to ask.
 */
export const askWithPrompts: Ask = async (question) => {
  if (question.type === 'text') {
    const validate = question.validate as ((value: string) => true | string) | undefined;
    const answer = await askText({ message: String(question.message), initial: question.initial === undefined ? '' : String(question.initial), validate });
    if (answer === undefined) throw new CancelledError();
    return answer;
  }
  const prompts = loadPrompts();
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

/** `validate` for a question: the whole problem (the line editor wraps it to the terminal), or `true`. */
function validator(check: (input: string) => string | undefined): (input: string) => string | true {
  return (input) => check(input) ?? true;
}

/** A setting's question, short (one line at 80 columns); what was in brackets goes to the hint. */
export function shortQuestion(spec: SettingSpec): { question: string; aside?: string } {
  const match = /^(.*?) \((.*)\)(\??)$/.exec(spec.question);
  return match ? { question: `${match[1]}${match[3]}`, aside: match[2] } : { question: spec.question };
}

/** The lines shown above a question: what it means, and whether the value offered is a placeholder. */
export function hintLines(spec: SettingSpec, known: GivenSettings): string[] {
  const { aside } = shortQuestion(spec);
  const defaults = withDefaults(valuesOf(known));
  const hint = typeof spec.hint === 'function' ? spec.hint(defaults) : spec.hint;
  const texts = [aside, hint].filter((text): text is string => Boolean(text));
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
    // A preset's default is offered as the question's default; its locked values are not asked.
    if ((settings[spec.key] && settings[spec.key]!.preset !== 'default') || spec.ask === false || !isWanted(spec, settings)) continue;
    const offered = settings[spec.key];
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
      const value = normalize(spec, answer);
      // The preset's default kept: it stays the preset's, so that its next version reaches the repo.
      if (!(offered && JSON.stringify(offered.value) === JSON.stringify(value))) settings[spec.key] = { value, label: spec.key };
      break;
    }
  }
  return { directory, settings };
}

/** One of the sign-in's questions: the field, its question and check, and whether discovery offers an answer. */
export interface AuthQuestion {
  readonly field: keyof OidcAuthSettings;
  readonly message: string;
  readonly check: Check<unknown>;
  readonly discovered: boolean;
}

/** The sign-in's questions, after the yes: the fields of `auth` the registry asks for, in its order. */
export function authQuestions(region: string): ReadonlyArray<AuthQuestion> {
  return (Object.entries(AUTH_FIELDS) as Array<[keyof OidcAuthSettings, typeof AUTH_FIELDS[keyof OidcAuthSettings]]>)
    .flatMap(([field, spec]) => (spec.question === undefined ? [] : [{
      field,
      message: spec.question,
      check: (value: unknown) => spec.check(value, region),
      discovered: spec.discovered === true,
    }]));
}

/**
 * Asks whether the load balancer signs users in and, if so, the provider's details. The three
 * endpoints are read from the issuer's discovery document and offered (Enter keeps each); when it
 * cannot be read (offline, a firewall, a certificate Node.js does not trust) they are typed. The
 * scopes, the session timeout and the provider's CIDRs keep their defaults (set them in `.projenrc.ts`).
 */
export async function askAuth(options: {
  readonly region: string;
  /** The host name answered: the callback to register is on it. */
  readonly domain: string;
  readonly ask?: Ask;
  readonly note?: (text: string) => void;
  /** @default - `discover` from ./discovery, over the network */
  readonly discover?: Discover;
}): Promise<OidcAuthSettings | undefined> {
  const ask = options.ask ?? askWithPrompts;
  const width = Math.min(process.stdout.isTTY ? process.stdout.columns || 80 : 80, 100);
  const note = (text: string) => wrap(text, width - 4, '  ').forEach((line) => options.note?.(dim(`  ${line}`)));
  note('OpenID Connect at the load balancer (Entra ID, Okta, Ping, ADFS, Cognito): pages redirect to sign in, ' +
    '/api/* calls without a session get 401.');
  const typed = await ask(yesNoQuestion('Sign users in with your identity provider?', false));
  if (typed === undefined) throw new CancelledError();
  if (!parseYesNo(typed, false)) return undefined;
  note(`From the provider's registration of the app; register the callback https://${options.domain}/oauth2/idpresponse ` +
    'there. The client secret stays in Secrets Manager.');
  const auth: Record<string, string> = {};
  const questions = authQuestions(options.region);
  let offered: Partial<Record<keyof OidcAuthSettings, string>> = {};
  for (const { field, message, check, discovered } of questions) {
    const initial = discovered ? offered[field] ?? '' : '';
    const answer = await ask({ type: 'text', name: 'value', message, initial, validate: validator((input) => check(input.trim())) });
    if (answer === undefined) throw new CancelledError();
    auth[field] = String(answer).trim();
    if (field === 'issuer') {
      const found = await discoverEndpoints(auth.issuer, options.discover ?? ((issuer) => discover(issuer)), note);
      if (found) {
        auth.issuer = found.issuer;
        offered = found;
      }
    }
  }
  return auth as unknown as OidcAuthSettings;
}

/** Reads the issuer's discovery document, saying what it does and what came of it. */
async function discoverEndpoints(issuer: string, discoverWith: Discover, note: (text: string) => void): Promise<DiscoveredEndpoints | undefined> {
  note(`Reading ${discoveryUrl(issuer)} …`);
  const result = await discoverWith(issuer);
  if (result.endpoints) {
    const missing = result.endpoints.userInfoEndpoint === undefined ? ' (but the user info endpoint: type it)' : '';
    const renamed = result.endpoints.issuer === issuer ? '' : ` It names the issuer "${result.endpoints.issuer}": that one is used, as the tokens carry it.`;
    note(`Found the endpoints there${missing}; Enter keeps each.${renamed}`);
    return result.endpoints;
  }
  note(`Could not read it: ${result.problem}. Type the endpoints (the provider's documentation lists them).`);
  return undefined;
}
