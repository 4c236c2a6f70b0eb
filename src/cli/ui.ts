/** Exit codes of the CLI (see DESIGN.md, CLI contract). */
export const EXIT = {
  ok: 0,
  /** Failed while generating or installing. */
  failed: 1,
  /** Bad usage or input. */
  usage: 2,
  /** Cancelled by the user. */
  cancelled: 130,
} as const;

export const CLI_NAME = 'create-hybrid-serverless';

/** A problem with one input, named by where it came from (a flag, an answers file key, …). */
export interface Problem {
  /** `--subnet-ids`, `domain (in answers.json)`, `directory`, … */
  readonly label: string;
  readonly message: string;
}

/** An error that ends the CLI with a given exit code and a message for the user. */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage or input: lists every problem at once, and says that nothing was written. */
export class UsageError extends CliError {
  constructor(public readonly problems: readonly Problem[]) {
    super(formatProblems(problems), EXIT.usage);
    this.name = 'UsageError';
  }
}

/** Ctrl-C or Esc: nothing was written. */
export class CancelledError extends CliError {
  constructor(message = 'Cancelled: nothing was written.') {
    super(message, EXIT.cancelled);
    this.name = 'CancelledError';
  }
}

export function formatProblems(problems: readonly Problem[]): string {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  return [
    `Found ${count} with the input; nothing was written:`,
    ...problems.map((p) => `  ${p.label}: ${p.message}`),
    `Fix ${problems.length === 1 ? 'it' : 'them'} and run again (${CLI_NAME} --help lists the options).`,
  ].join('\n');
}

// Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org).
export const useColor = (stream: NodeJS.WriteStream) => Boolean(stream.isTTY) && !process.env.NO_COLOR;
const paint = (open: number, close: number) => (text: string, stream: NodeJS.WriteStream = process.stdout) =>
  useColor(stream) ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const bold = paint(1, 22);
export const dim = paint(2, 22);
export const red = paint(31, 39);
export const green = paint(32, 39);
export const yellow = paint(33, 39);
export const cyan = paint(36, 39);

/** Quotes a word for a POSIX shell when it needs it, so printed commands can be pasted. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, '\'\\\'\'')}'`;
}

/** An error's message without its final full stop, to be put inside a sentence. */
export function messageOf(error: unknown): string {
  // Not `instanceof Error`: errors from other realms (vm contexts, Jest) are not instances.
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.replace(/\.$/, '');
}

/** The longest value echoed back in a message; longer ones are cut, with their length said. */
const ECHO_LIMIT = 60;

/** A value as JSON for a message, cut to a readable length: a 50 MB answer is not echoed back. */
export function brief(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= ECHO_LIMIT) return text;
  return `${text.slice(0, ECHO_LIMIT - 10)}…(${typeof value === 'string' ? `${value.length} characters` : 'cut'})`;
}

/**
 * Wraps text into lines of at most `width` characters, at spaces (a longer word is cut), each
 * line after the first starting with `indent`.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => width - (lines.length === 0 ? 0 : indent.length);
  for (const word of text.split(' ')) {
    if (line && `${line} ${word}`.length > room()) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
    while (line.length > room()) {
      const cut = room();
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.map((part, i) => (i === 0 ? part : `${indent}${part}`));
}
