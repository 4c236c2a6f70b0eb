import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { renderProjenrc } from '../src/projenrc';
import { tsLiteral } from '../src/render';

const HOSTILE = [
  'plain', "it's", 'say "hi"', 'back\\slash', '`${process.exit(1)}`', 'line\nbreak', 'tab\there',
  'ünïcødé ✓', '\u2028\u2029', '*/ injected(); /*', '</script>', '\\\'', '\'); process.exit(1); (\'',
];

/** Evaluates a TypeScript expression the way the generated repo would compile it. */
function evaluate(expression: string): unknown {
  const js = ts.transpileModule(`module.exports = ${expression};`, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: undefined as unknown };
  new Function('module', js)(module);
  return module.exports;
}

describe('tsLiteral', () => {
  test.each(HOSTILE)('%j compiles to the same string', (value) => {
    expect(evaluate(tsLiteral(value))).toBe(value);
  });

  test('writes single-quoted strings, as the generated repo\'s lint requires', () => {
    expect(tsLiteral('abc')).toBe("'abc'");
    expect(tsLiteral(['a', 'b'])).toBe("['a', 'b']");
    expect(tsLiteral({ a: 1, b: true })).toBe('{ a: 1, b: true }');
    expect(tsLiteral({ 'a': 1, 'b-c': true })).toBe("{ 'a': 1, 'b-c': true }");
  });

  test('keeps lists and objects of hostile strings intact', () => {
    expect(evaluate(tsLiteral(HOSTILE))).toEqual(HOSTILE);
    expect(evaluate(tsLiteral({ [HOSTILE[4]]: HOSTILE }))).toEqual({ [HOSTILE[4]]: HOSTILE });
  });
});

describe('renderProjenrc', () => {
  test('writes every option, enums as members, and compiles', () => {
    const source = renderProjenrc({ name: 'my-app', topology: 'apigw-vpce', subnetIds: ['subnet-0123456789abcdef0'], frontend: true });
    expect(source).toContain("import { HybridServerlessApp, Topology } from 'create-hybrid-serverless';");
    expect(source).toContain('topology: Topology.APIGW_VPCE,');
    expect(source).toContain("subnetIds: ['subnet-0123456789abcdef0'],");
    expect(source).toContain('frontend: true,');
    const diagnostics = ts.transpileModule(source, { reportDiagnostics: true }).diagnostics ?? [];
    expect(diagnostics).toEqual([]);
  });
});

describe('templates', () => {
  test('every template is used by the project type', () => {
    const root = path.join(__dirname, '..', 'templates');
    const templates: string[] = [];
    const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else templates.push(path.relative(root, full).replace(/\.hbs$/, ''));
    });
    walk(root);
    const sources = fs.readdirSync(path.join(__dirname, '..', 'src', 'components'))
      .map((file) => fs.readFileSync(path.join(__dirname, '..', 'src', 'components', file), 'utf-8')).join('\n')
      + fs.readFileSync(path.join(__dirname, '..', 'src', 'projenrc.ts'), 'utf-8')
      + fs.readFileSync(path.join(__dirname, '..', 'src', 'context.ts'), 'utf-8');
    for (const template of templates) {
      const base = path.basename(template).replace(/\.ts$/, '');
      expect({ template, used: sources.includes(template) || sources.includes(base) }).toEqual({ template, used: true });
    }
  });
});
