import { applyKey, draw, Key, lineOf, LineState, textOf } from '../../src/cli/line-editor';
import { widthOf, wrapColumns } from '../../src/cli/ui';

/** `text` with the cursor where `|` is. */
const line = (marked: string): LineState => lineOf(marked.replace('|', ''), [...marked].indexOf('|'));
const marked = (state: LineState) => [...state.chars.slice(0, state.cursor), '|', ...state.chars.slice(state.cursor)].join('');
const ctrl = (name: string): Key => ({ name, ctrl: true });
const meta = (name: string): Key => ({ name, meta: true });

// What readline reports for each key, and what bash's readline (emacs mode) does with it.
test.each<[string, string, string | undefined, Key | undefined, string]>([
  ['Ctrl-U deletes to the start', 'subnet-a,sub|net-b', '\u0015', ctrl('u'), '|net-b'],
  ['Ctrl-K deletes to the end', 'subnet-a,sub|net-b', '\u000b', ctrl('k'), 'subnet-a,sub|'],
  ['Ctrl-W deletes the word before, to a space', '10.0.0.0/8, 172.16.0.0/12|', '\u0017', ctrl('w'), '10.0.0.0/8, |'],
  ['Ctrl-W with spaces before the cursor', 'one two  |', '\u0017', ctrl('w'), 'one |'],
  ['Alt-Backspace deletes the word before, to a non-letter', 'app.internal.example|', '\u001b\u007f', meta('backspace'), 'app.internal.|'],
  ['Alt-D deletes the word after', 'app.|internal.example', '\u001bd', meta('d'), 'app.|.example'],
  ['Ctrl-A, Home: the start', 'abc|', '\u0001', ctrl('a'), '|abc'],
  ['Ctrl-E, End: the end', '|abc', '\u0005', ctrl('e'), 'abc|'],
  ['Ctrl-B: left', 'ab|c', '\u0002', ctrl('b'), 'a|bc'],
  ['Ctrl-F: right', 'a|bc', '\u0006', ctrl('f'), 'ab|c'],
  ['Alt-B: a word left', 'eu-west-1|', '\u001bb', meta('b'), 'eu-west-|1'],
  ['Alt-F: a word right', '|eu-west-1', '\u001bf', meta('f'), 'eu|-west-1'],
  ['Ctrl-Left: a word left', 'eu-west|', '\u001b[1;5D', ctrl('left'), 'eu-|west'],
  ['Backspace', 'ab|c', '\u007f', { name: 'backspace' }, 'a|c'],
  ['Ctrl-H is Backspace', 'ab|c', '\b', { name: 'backspace' }, 'a|c'],
  ['Delete', 'a|bc', '\u001b[3~', { name: 'delete' }, 'a|c'],
  ['Ctrl-D deletes forward on a line with text', 'a|bc', '\u0004', ctrl('d'), 'a|c'],
  ['a letter is inserted at the cursor', 'ac|', 'b', { name: 'b' }, 'acb|'],
  ['text typed at once (a paste without bracketed paste): line breaks and tabs as spaces, controls dropped',
    'x|', 'a\tb\u0015c\u0007', undefined, 'xa bc|'],
])('%s', (_, before, str, key, after) => {
  expect(marked(applyKey(line(before), str, key ?? {}).line)).toBe(after);
});

test.each<[string, string, Key, string]>([
  ['Enter submits', '\r', { name: 'return' }, 'submit'],
  ['Ctrl-J submits', '\n', { name: 'enter' }, 'submit'],
  ['Ctrl-C cancels', '\u0003', ctrl('c'), 'cancel'],
  ['Esc cancels', '\u001b', { name: 'escape', meta: true }, 'cancel'],
  ['Tab completes the placeholder', '\t', { name: 'tab' }, 'complete'],
  ['Ctrl-L redraws', '\u000c', ctrl('l'), 'redraw'],
])('%s', (_, str, key, action) => {
  expect(applyKey(line('abc|'), str, key).action).toBe(action);
});

test.each<[string, string | undefined, Key]>([
  ['Ctrl-V', '\u0016', ctrl('v')],
  ['Ctrl-T', '\u0014', ctrl('t')],
  ['Ctrl-@', '\u0000', ctrl('space')],
  ['Ctrl-\\', '\u001c', { sequence: '\u001c' }],
  ['F5', undefined, { name: 'f5', sequence: '\u001b[15~' }],
  ['Alt-X', '\u001bx', meta('x')],
])('%s rings the bell and inserts nothing', (_, str, key) => {
  const result = applyKey(line('ab|c'), str, key);
  expect(result.action).toBe('bell');
  expect(marked(result.line)).toBe('ab|c');
});

test('Ctrl-D on an empty line cancels, as end of input does', () => {
  expect(applyKey(line('|'), '\u0004', ctrl('d')).action).toBe('cancel');
});

test('Ctrl-Y puts back what the last kill removed', () => {
  const killed = applyKey(line('subnet-a,subnet-b|'), '\u0017', ctrl('w')).line;
  expect(textOf(killed)).toBe('');
  expect(marked(applyKey(applyKey(killed, 'x', { name: 'x' }).line, '\u0019', ctrl('y')).line)).toBe('xsubnet-a,subnet-b|');
  expect(applyKey(line('a|'), '\u0019', ctrl('y')).action).toBe('bell');
});

test('a bracketed paste is text: its line breaks and tabs become spaces, its control characters are dropped', () => {
  let state = line('|');
  let pasting = false;
  for (const [str, key] of [[undefined, { name: 'paste-start' }], ['subnet-a\r', { name: 'return' }], ['\n', { name: 'enter' }],
    ['subnet-b\u0015', undefined], [undefined, { name: 'paste-end' }]] as Array<[string | undefined, Key | undefined]>) {
    const result = applyKey(state, str, key ?? {}, pasting);
    if (result.action === 'paste-start' || result.action === 'paste-end') pasting = result.action === 'paste-start';
    else expect(result.action).toBeUndefined();
    state = result.line;
  }
  expect(marked(state)).toBe('subnet-a subnet-b|');
});

describe('draw', () => {
  const view = { message: 'Private subnet ids, comma-separated', placeholder: '', state: 'asking' as const, columns: 80, color: false };

  test('the error under the answer, wrapped whole to the width, the cursor back on the answer', () => {
    const error = '"subnet-nope" is not a subnet id: "subnet-" followed by 8 or 17 lowercase hex digits, e.g. "subnet-0123456789abcdef0".';
    const drawing = draw({ ...view, line: lineOf('subnet-0123456789abcdef0,subnet-nope'), error });
    const rows = drawing.text.split('\n');
    expect(rows[0]).toBe('? Private subnet ids, comma-separated › subnet-0123456789abcdef0,subnet-nope');
    expect(rows.slice(1)).toEqual([
      '› "subnet-nope" is not a subnet id: "subnet-" followed by 8 or 17 lowercase hex',
      '  digits, e.g. "subnet-0123456789abcdef0".',
    ]);
    for (const row of rows) expect(widthOf(row)).toBeLessThan(80);
    expect(drawing).toMatchObject({ lastRow: 2, cursorRow: 0, cursorColumn: widthOf(rows[0]) });
  });

  test('an answer longer than a row wraps as the terminal wraps it, and the cursor follows it', () => {
    const answer = 'arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012';
    const drawing = draw({ ...view, message: 'ACM certificate ARN for the host name', line: lineOf(answer, 10), error: 'wrong.' });
    const head = widthOf('? ACM certificate ARN for the host name › ');
    expect(drawing).toMatchObject({ lastRow: 2, cursorRow: 0, cursorColumn: head + 10 });
    expect(draw({ ...view, message: 'ACM certificate ARN for the host name', line: lineOf(answer) }))
      .toMatchObject({ lastRow: 1, cursorRow: 1, cursorColumn: (head + answer.length) % 80 });
  });

  test('an answer that fills its row exactly gets the next row for the cursor, before the error', () => {
    const head = '? Q › ';
    const answer = 'x'.repeat(80 - head.length);
    const drawing = draw({ ...view, message: 'Q', line: lineOf(answer), error: 'bad.' });
    expect(drawing.text.split('\n')[0]).toBe(`${head}${answer} \b`);
    expect(drawing).toMatchObject({ lastRow: 2, cursorRow: 1, cursorColumn: 0 });
  });

  test('the placeholder while nothing is typed, the answer once done, no error then', () => {
    expect(draw({ ...view, message: 'AWS region', line: lineOf(''), placeholder: 'eu-west-1' }).text).toBe('? AWS region › eu-west-1');
    expect(draw({ ...view, message: 'AWS region', line: lineOf(''), placeholder: 'eu-west-1', state: 'done', error: 'x' }).text)
      .toBe('✔ AWS region … eu-west-1');
    expect(draw({ ...view, message: 'AWS region', line: lineOf('us'), placeholder: 'eu-west-1', state: 'cancelled' }).text)
      .toBe('✖ AWS region › us');
  });

  test('in colour: the symbol, the question in bold, a refused answer and its error in red', () => {
    const text = draw({ ...view, message: 'AWS region', line: lineOf('eu-wst-1'), error: 'no.', color: true }).text;
    expect(text).toBe('\u001b[36m?\u001b[39m \u001b[1mAWS region\u001b[22m \u001b[90m›\u001b[39m \u001b[31meu-wst-1\u001b[39m\n' +
      '› \u001b[31m\u001b[3mno.\u001b[23m\u001b[39m');
  });
});

test.each<[string, number, string[]]>([
  ['a b c', 3, ['a b', 'c']],
  ['arn:aws:acm:eu-west-1:1', 10, ['arn:aws:ac', 'm:eu-west-', '1:1']],
  ['see arn:aws:acm:eu-west-1 now', 10, ['see', 'arn:aws:ac', 'm:eu-west-', '1 now']],
  ['日本語のテキスト', 6, ['日本語', 'のテキ', 'スト']],
  ['', 5, ['']],
])('wrapColumns(%j, %i): nothing left out', (text, width, lines) => {
  expect(wrapColumns(text, width)).toEqual(lines);
});
