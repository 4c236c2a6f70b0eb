import * as readline from 'readline';
import { onInterrupt } from './signals';
import { bold, cyan, gray, green, italic, red, useColor, widthOf, wrapColumns } from './ui';

/**
 * The CLI's text questions: one line of input, edited with the keys a terminal user's shell
 * takes (readline's emacs bindings), and an error under it wrapped to the terminal's width.
 *
 * prompts' own text prompt inserts every key it does not know, so Ctrl-U left an invisible
 * "\u0015" in the answer; and it draws its error with a saved cursor position, which lands on
 * the wrong row once the error wraps or scrolls the screen. This one keeps no saved position:
 * it knows how many rows it drew and moves back by that many.
 */

/** What is being typed: its characters (code points) and the cursor's place among them. */
export interface LineState {
  readonly chars: readonly string[];
  readonly cursor: number;
  /** The text the last kill (Ctrl-U, Ctrl-K, Ctrl-W, Alt-D …) removed, for Ctrl-Y. */
  readonly killed: string;
}

/** A key as Node's readline reports it (`emitKeypressEvents`). */
export interface Key {
  readonly name?: string;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
  readonly sequence?: string;
}

/** What a key asks of the question besides an edit. */
export type KeyAction = 'submit' | 'cancel' | 'complete' | 'redraw' | 'bell' | 'paste-start' | 'paste-end';

export function lineOf(text: string, cursor = [...text].length): LineState {
  return { chars: [...text], cursor, killed: '' };
}

export function textOf(line: LineState): string {
  return line.chars.join('');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);

/** Where a word before the cursor starts: `unix` words end at spaces (Ctrl-W), others at anything not a letter or digit. */
function wordStart(chars: readonly string[], from: number, unix: boolean): number {
  const inWord = unix ? (c: string | undefined) => c !== undefined && !isSpace(c) : isWordChar;
  let i = from;
  while (i > 0 && !inWord(chars[i - 1])) i--;
  while (i > 0 && inWord(chars[i - 1])) i--;
  return i;
}

function wordEnd(chars: readonly string[], from: number): number {
  let i = from;
  while (i < chars.length && !isWordChar(chars[i])) i++;
  while (i < chars.length && isWordChar(chars[i])) i++;
  return i;
}

/** The line without `chars[from, to)`, which becomes the text Ctrl-Y puts back. */
function kill(line: LineState, from: number, to: number): LineState {
  if (from === to) return line;
  return { chars: [...line.chars.slice(0, from), ...line.chars.slice(to)], cursor: from, killed: line.chars.slice(from, to).join('') };
}

function insert(line: LineState, text: string): LineState {
  const chars = [...text];
  return { ...line, chars: [...line.chars.slice(0, line.cursor), ...chars, ...line.chars.slice(line.cursor)], cursor: line.cursor + chars.length };
}

/**
 * Text as it arrives (typed, or pasted): line breaks and tabs become one space (none where a
 * space is already before it), other control characters are dropped. The line itself when
 * nothing is left to insert.
 */
function insertText(line: LineState, raw: string): LineState {
  let text = '';
  for (const c of raw) {
    if (/[\r\n\t]/.test(c)) {
      const before = text.length > 0 ? text[text.length - 1] : line.chars[line.cursor - 1];
      if (before !== undefined && !isSpace(before)) text += ' ';
    } else if (!CONTROL.test(c)) {
      text += c;
    }
  }
  return text.length > 0 ? insert(line, text) : line;
}

const at = (line: LineState, cursor: number): LineState => ({ ...line, cursor: Math.max(0, Math.min(line.chars.length, cursor)) });

/**
 * One key applied to the line, as bash's readline (emacs mode) would: Ctrl-A/E or Home/End,
 * Ctrl-B/F or the arrows, Alt-B/F or Ctrl-arrows by word; Backspace and Ctrl-H, Delete and Ctrl-D
 * (on an empty line, Ctrl-D cancels, as end of input does), Ctrl-U to the start, Ctrl-K to the
 * end, Ctrl-W the word before (to a space), Alt-Backspace and Alt-D by word, Ctrl-Y puts the
 * last of these back. Any other control key rings the bell and inserts nothing; text with
 * control characters (a paste) is inserted without them, its line breaks and tabs as spaces.
 */
export function applyKey(line: LineState, str: string | undefined, key: Key = {}, pasting = false): { line: LineState; action?: KeyAction } {
  const { name, ctrl, meta } = key;
  if (name === 'paste-start' || name === 'paste-end') return { line, action: name };
  // Inside a bracketed paste every character is text, Enter and Tab included.
  if (pasting) return { line: insertText(line, str ?? '') };
  if (ctrl && !meta) {
    switch (name) {
      case 'a': return { line: at(line, 0) };
      case 'e': return { line: at(line, line.chars.length) };
      case 'b': return { line: at(line, line.cursor - 1) };
      case 'f': return { line: at(line, line.cursor + 1) };
      case 'h': return backspace(line);
      case 'd': return line.chars.length === 0 ? { line, action: 'cancel' } : deleteForward(line);
      case 'u': return { line: kill(line, 0, line.cursor) };
      case 'k': return { line: kill(line, line.cursor, line.chars.length) };
      case 'w': return { line: kill(line, wordStart(line.chars, line.cursor, true), line.cursor) };
      case 'y': return { line: line.killed ? insert(line, line.killed) : line, ...(line.killed ? {} : { action: 'bell' as const }) };
      case 'c': return { line, action: 'cancel' };
      case 'l': return { line, action: 'redraw' };
      case 'left': return { line: at(line, wordStart(line.chars, line.cursor, false)) };
      case 'right': return { line: at(line, wordEnd(line.chars, line.cursor)) };
      case 'delete': return { line: kill(line, line.cursor, wordEnd(line.chars, line.cursor)) };
      default: break;
    }
  }
  if (meta) {
    switch (name) {
      case 'b': case 'left': return { line: at(line, wordStart(line.chars, line.cursor, false)) };
      case 'f': case 'right': return { line: at(line, wordEnd(line.chars, line.cursor)) };
      case 'd': return { line: kill(line, line.cursor, wordEnd(line.chars, line.cursor)) };
      case 'backspace': return { line: kill(line, wordStart(line.chars, line.cursor, false), line.cursor) };
      // Esc itself (readline reports it as a meta key).
      case 'escape': return { line, action: 'cancel' };
      default: return { line, action: 'bell' };
    }
  }
  switch (name) {
    case 'return': case 'enter': return { line, action: 'submit' };
    case 'escape': return { line, action: 'cancel' };
    case 'tab': return { line, action: 'complete' };
    case 'backspace': return backspace(line);
    case 'delete': return deleteForward(line);
    case 'left': return { line: at(line, line.cursor - 1) };
    case 'right': return { line: at(line, line.cursor + 1) };
    case 'home': return { line: at(line, 0) };
    case 'end': return { line: at(line, line.chars.length) };
    default: break;
  }
  // Text: what the keyboard typed, or several characters at once from a terminal without bracketed paste.
  if (!ctrl && str !== undefined && str.length > 0) {
    const next = insertText(line, str);
    if (next !== line) return { line: next };
  }
  return { line, action: 'bell' };
}

function backspace(line: LineState): { line: LineState; action?: KeyAction } {
  if (line.cursor === 0) return { line, action: 'bell' };
  return { line: { ...line, chars: [...line.chars.slice(0, line.cursor - 1), ...line.chars.slice(line.cursor)], cursor: line.cursor - 1 } };
}

function deleteForward(line: LineState): { line: LineState; action?: KeyAction } {
  if (line.cursor === line.chars.length) return { line, action: 'bell' };
  return { line: { ...line, chars: [...line.chars.slice(0, line.cursor), ...line.chars.slice(line.cursor + 1)] } };
}

/** A text question's state, to be drawn. */
export interface TextView {
  readonly message: string;
  readonly line: LineState;
  /** Shown grey while nothing is typed; Enter takes it. */
  readonly placeholder: string;
  readonly error?: string;
  readonly state: 'asking' | 'done' | 'cancelled';
  readonly columns: number;
  readonly color: boolean;
}

/** What to write for a view, and where the cursor goes: rows are counted from the question's first row. */
export interface Drawing {
  readonly text: string;
  /** The row the text ends on. */
  readonly lastRow: number;
  readonly cursorRow: number;
  readonly cursorColumn: number;
}

/**
 * Draws a question as prompts does (`? message › answer`, `✔ message … answer` once answered),
 * the answer wrapping as the terminal wraps it, and the error below it in lines of the terminal's
 * width (`› ` before the first, two spaces before the others), so that the whole message shows.
 */
export function draw(view: TextView): Drawing {
  const paint = (f: (text: string, stream?: NodeJS.WriteStream) => string) => (text: string) => (view.color ? f(text, COLOR_STREAM) : text);
  const columns = Math.max(view.columns, 20);
  const symbol = view.state === 'done' ? paint(green)('✔') : view.state === 'cancelled' ? paint(red)('✖') : paint(cyan)('?');
  const delimiter = paint(gray)(view.state === 'done' ? '…' : '›');
  const typed = textOf(view.line);
  const showPlaceholder = typed.length === 0 && view.placeholder.length > 0 && view.state === 'asking';
  const answer = view.state === 'asking' ? typed : typed || view.placeholder;
  const shown = showPlaceholder ? paint(gray)(view.placeholder) : view.error ? paint(red)(answer) : answer;
  const head = `${symbol} ${paint(bold)(view.message)} ${delimiter} `;
  const question = `${head}${shown}`;
  const width = widthOf(question);
  // The row the cursor would wrap to when the text fills its last row exactly: made a row of its
  // own (by a space and a backspace), so that the cursor and an error never share one.
  const fillsRow = width > 0 && width % columns === 0;
  const textRows = Math.ceil(width / columns) + (fillsRow && view.state === 'asking' ? 1 : 0);
  let text = question + (fillsRow && view.state === 'asking' ? ' \b' : '');
  const errorLines = view.error && view.state === 'asking' ? wrapColumns(view.error, columns - 3) : [];
  errorLines.forEach((line, i) => { text += `\n${i === 0 ? '›' : ' '} ${paint(red)(paint(italic)(line))}`; });
  const before = widthOf(head) + (showPlaceholder ? widthOf(view.placeholder) : widthOf(view.line.chars.slice(0, view.line.cursor).join('')));
  return {
    text,
    lastRow: textRows - 1 + errorLines.length,
    cursorRow: Math.floor(before / columns),
    cursorColumn: before % columns,
  };
}

/** Colours are decided by the view (`color`), not by a stream: paint as if to a terminal. */
const COLOR_STREAM = { isTTY: true } as NodeJS.WriteStream;

export interface TextQuestionOptions {
  readonly message: string;
  /** What Enter gives when nothing is typed. @default '' */
  readonly initial?: string;
  /** `true`, or what is wrong with the answer (shown under it until it changes). */
  readonly validate?: (value: string) => true | string | Promise<true | string>;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
}

/** Bracketed paste (xterm): a pasted line break is text, not Enter. */
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

/**
 * Asks one text question in the terminal: resolves with the answer (the placeholder when Enter
 * is pressed on nothing), or `undefined` when cancelled (Ctrl-C, Esc, Ctrl-D on an empty line).
 */
export function askText(options: TextQuestionOptions): Promise<string | undefined> {
  const input = options.stdin ?? process.stdin;
  const output = options.stdout ?? process.stdout;
  const placeholder = options.initial ?? '';
  let line = lineOf('');
  let error: string | undefined;
  let cursorRow = 0;
  /** The last row the previous drawing took, below its first. */
  let drawnRows = 0;
  let pasting = false;
  let busy = false;

  const render = (state: TextView['state']) => {
    const drawing = draw({ message: options.message, line, placeholder, error, state, columns: output.columns || 80, color: useColor(output) });
    // Back to the question's first row, each row it took erased (not the screen below it: some
    // terminals, tmux among them, keep a screen that is cleared whole in the scrollback), then drawn anew.
    const rowUp = (n: number) => (n > 0 ? `\u001b[${n}A` : '');
    let erase = `${rowUp(cursorRow)}\r`;
    for (let row = 0; row <= drawnRows; row++) erase += `\u001b[2K${row < drawnRows ? '\u001b[1B' : ''}`;
    erase += rowUp(drawnRows);
    drawnRows = drawing.lastRow;
    let moves = '';
    if (state === 'asking') {
      const rowsUp = drawing.lastRow - drawing.cursorRow;
      moves = `${rowsUp > 0 ? `\u001b[${rowsUp}A` : ''}\r${drawing.cursorColumn > 0 ? `\u001b[${drawing.cursorColumn}C` : ''}`;
      cursorRow = drawing.cursorRow;
    } else {
      cursorRow = drawing.lastRow;
    }
    output.write(`${erase}${drawing.text}${moves}`);
  };

  return new Promise((resolve) => {
    const rl = readline.createInterface({ input, escapeCodeTimeout: 50 });
    readline.emitKeypressEvents(input, rl);
    if (input.isTTY) input.setRawMode(true);
    output.write(PASTE_ON);
    // A signal ends the CLI without `finish`: the terminal gets its paste mode back all the same.
    const stopListening = onInterrupt(() => output.write(PASTE_OFF));
    const finish = (answer: string | undefined) => {
      stopListening();
      input.removeListener('keypress', onKey);
      render(answer === undefined ? 'cancelled' : 'done');
      output.write(`\n${PASTE_OFF}`);
      if (input.isTTY) input.setRawMode(false);
      rl.close();
      resolve(answer);
    };
    const onKey = (str: string | undefined, key: Key | undefined) => {
      if (busy) return;
      const result = applyKey(line, str, key ?? {}, pasting);
      if (result.action === 'paste-start' || result.action === 'paste-end') {
        pasting = result.action === 'paste-start';
        return;
      }
      if (result.line !== line) {
        line = result.line;
        // The error is about what was typed before: it goes once the answer changes.
        error = undefined;
      }
      switch (result.action) {
        case 'cancel': return finish(undefined);
        case 'bell': output.write('\u0007'); return;
        case 'complete':
          if (line.chars.length === 0 && placeholder) line = lineOf(placeholder);
          else output.write('\u0007');
          break;
        case 'submit': {
          const answer = textOf(line) || placeholder;
          busy = true;
          void Promise.resolve(options.validate?.(answer) ?? true).then((verdict) => {
            busy = false;
            if (verdict === true) return finish(answer);
            error = verdict;
            return render('asking');
          });
          return;
        }
        default: break;
      }
      render('asking');
    };
    input.on('keypress', onKey);
    render('asking');
  });
}
