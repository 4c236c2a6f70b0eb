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
export const gray = paint(90, 39);
export const italic = paint(3, 23);

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

/** Columns a character takes in a terminal: two for wide East Asian characters and emoji, none for combining marks. */
export function charWidth(c: string): number {
  const code = c.codePointAt(0)!;
  if (/\p{Mn}|\p{Me}|\u200b|\u200d/u.test(c)) return 0;
  if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) || (code >= 0xac00 && code <= 0xd7a3)
    || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
    || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) || (code >= 0x20000 && code <= 0x3fffd)) return 2;
  return 1;
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/** Columns a string takes (its colours take none). */
export function widthOf(text: string): number {
  let width = 0;
  for (const c of text.replace(SGR, '')) width += charWidth(c);
  return width;
}

/**
 * Wraps a message into lines of at most `width` columns (`nextWidth` after the first), at
 * spaces; a word longer than a line (a URL, an ARN) is cut where the line ends. Nothing is left out.
 */
export function wrapColumns(text: string, width: number, nextWidth = width): string[] {
  const lines: string[] = [];
  const room = () => Math.max(1, lines.length === 0 ? width : nextWidth);
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (widthOf(candidate) <= room()) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (widthOf(line) > room()) {
        const chars = [...line];
        let cut = 0;
        let used = 0;
        while (cut < chars.length && used + charWidth(chars[cut]) <= room()) used += charWidth(chars[cut++]);
        cut = Math.max(cut, 1);
        lines.push(chars.slice(0, cut).join(''));
        line = chars.slice(cut).join('');
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A command to paste (`  cd app && npm install`): never broken over lines. */
const COMMAND_LINE = /^ {2}(?:cd|npm|npx|pnpm|yarn|git) /;

/**
 * Text for a terminal: each line longer than its width wrapped at spaces, the rows after the
 * first indented as the line is, plus two spaces; commands to paste are left whole. Unchanged
 * where the stream is not a terminal (a log keeps one line per message).
 */
export function fit(text: string, stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stdout): string {
  if (!stream.isTTY || !stream.columns) return text;
  const columns = stream.columns;
  return text.split('\n').map((line) => {
    if (widthOf(line) <= columns || COMMAND_LINE.test(line)) return line;
    const indent = `${/^ */.exec(line)![0]}  `;
    return wrapColumns(line, columns, columns - indent.length).map((row, i) => (i === 0 ? row : `${indent}${row}`)).join('\n');
  }).join('\n');
}
