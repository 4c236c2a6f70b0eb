import * as fs from 'fs';
import * as path from 'path';
import type * as Handlebars from 'handlebars';
import { FileBase, IResolver, Project } from 'projen';

/** Where the handlebars templates live: `templates/` beside `lib/` (or `src/` under ts-jest). */
export const TEMPLATES_DIR = path.join(__dirname, '..', 'templates');

/**
 * A value as a TypeScript literal in the generated repo's style (single quotes): JSON's
 * escaping, so any string, with quotes, backslashes, `${…}` or newlines, means itself.
 */
export function tsLiteral(value: unknown): string {
  if (typeof value === 'string') {
    const inner = JSON.stringify(value).slice(1, -1)
      .replace(/\\.|'/g, (match) => (match === '\\"' ? '"' : match === "'" ? "\\'" : match));
    return `'${inner}'`;
  }
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    // Keys quoted only when one must be, and then all of them (eslint quote-props: consistent-as-needed).
    const quoted = Object.keys(value).some((key) => !/^[A-Za-z_$][\w$]*$/.test(key));
    const entries = Object.entries(value).map(([key, item]) => `${quoted ? tsLiteral(key) : key}: ${tsLiteral(item)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/**
 * A value as a TypeScript literal laid out over lines, `indent` spaces in: an object one property
 * a line (and so its objects), anything else as `tsLiteral` writes it.
 */
export function tsBlock(value: unknown, indent = 0): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return tsLiteral(value);
  const quoted = Object.keys(value).some((key) => !/^[A-Za-z_$][\w$]*$/.test(key));
  const lines = Object.entries(value).map(([key, item]) => `${' '.repeat(indent + 2)}${quoted ? tsLiteral(key) : key}: ${tsBlock(item, indent + 2)},`);
  return lines.length ? `{\n${lines.join('\n')}\n${' '.repeat(indent)}}` : '{}';
}

// Templates only lay text out. Values reach generated code through `{{json value}}`, never
// spliced raw; `noEscape` because HTML escaping would corrupt code.
const COMPILE_OPTIONS = { noEscape: true, strict: true };

/** Precompiled templates: lib/templates.js, built by `npx projen compile`; absent under ts-jest. */
type Precompiled = Record<string, Parameters<typeof Handlebars.template>[0]>;
let precompiled: Precompiled | null | undefined;

function loadPrecompiled(): Precompiled | null {
  if (precompiled === undefined) {
    const file = path.join(__dirname, 'templates.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    precompiled = fs.existsSync(file) ? require(file) as Precompiled : null;
  }
  return precompiled;
}

/** A handlebars environment with our helpers: the small runtime, or the full compiler. */
export function environment(full: boolean): typeof Handlebars {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const env: typeof Handlebars = (full ? require('handlebars') : require('handlebars/runtime')).create();
  env.registerHelper('json', (value: unknown) => tsLiteral(value));
  // `{{block value 2}}`: an object over lines, its closing brace 2 spaces in.
  env.registerHelper('block', (value: unknown, indent: unknown) => tsBlock(value, typeof indent === 'number' ? indent : 0));
  return env;
}

let runtime: typeof Handlebars | undefined;
let compiler: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/**
 * The template `templates/<template>.hbs`: precompiled when the package is built, compiled
 * on first use otherwise (`fromSource` forces that, for the test that compares the two).
 */
export function templateFor(name: string, fromSource = false): Handlebars.TemplateDelegate {
  const key = `${fromSource ? 'source' : 'auto'}:${name}`;
  let delegate = compiled.get(key);
  if (!delegate) {
    const spec = fromSource ? undefined : loadPrecompiled()?.[name];
    if (spec) {
      runtime ??= environment(false);
      delegate = runtime.template(spec);
    } else {
      compiler ??= environment(true);
      delegate = compiler.compile(fs.readFileSync(path.join(TEMPLATES_DIR, `${name}.hbs`), 'utf-8'), COMPILE_OPTIONS);
    }
    compiled.set(key, delegate);
  }
  return delegate;
}

/** Renders `templates/<template>.hbs` with the given context. */
export function render(name: string, context: object): string {
  return templateFor(name)(context);
}

/** The comment syntax of a generated file, by extension. */
function commentFor(filePath: string, text: string): string {
  if (/\.(md)$/.test(filePath)) return `<!-- ${text} -->`;
  return `// ${text}`;
}

export interface ManagedFileOptions {
  /** The template, relative to `templates/`, without `.hbs`. @default - the file's path */
  readonly template?: string;
  /** The template's context. */
  readonly context: object;
}

/**
 * A file that projen owns: rendered from a template on every synth, read-only, carrying
 * projen's marker. Removed automatically when a later synth no longer produces it.
 */
export class ManagedFile extends FileBase {
  private readonly template: string;
  private readonly context: object;

  constructor(project: Project, filePath: string, options: ManagedFileOptions) {
    super(project, filePath, { marker: true, readonly: true });
    this.template = options.template ?? filePath;
    this.context = options.context;
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    return `${commentFor(this.path, this.marker!)}\n${render(this.template, this.context)}`;
  }
}
