import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { Topology } from '../src';
import { templateContext } from '../src/context';
import { renderProjenrc } from '../src/projenrc';
import { environment, templateFor, tsBlock, tsLiteral } from '../src/render';
import { withDefaults } from '../src/settings';

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

describe('tsBlock', () => {
  test('an object one property a line, its objects too, lists inline; the closing brace at the indent', () => {
    expect(tsBlock({ name: 'dev', subnetIds: ['a', 'b'], auth: { issuer: 'https://x', scope: "it's" }, empty: {} }, 2)).toBe([
      '{',
      '    name: \'dev\',',
      '    subnetIds: [\'a\', \'b\'],',
      '    auth: {',
      '      issuer: \'https://x\',',
      '      scope: \'it\\\'s\',',
      '    },',
      '    empty: {},',
      '  }',
    ].join('\n'));
    expect(tsBlock(['x'])).toBe("['x']");
    expect(tsBlock({ 'a-b': 1, 'c': 2 })).toBe("{\n  'a-b': 1,\n  'c': 2,\n}");
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
    const templates = templateNames();
    const sources = fs.readdirSync(path.join(__dirname, '..', 'src', 'components'))
      .map((file) => fs.readFileSync(path.join(__dirname, '..', 'src', 'components', file), 'utf-8')).join('\n')
      + fs.readFileSync(path.join(__dirname, '..', 'src', 'projenrc.ts'), 'utf-8')
      + fs.readFileSync(path.join(__dirname, '..', 'src', 'context.ts'), 'utf-8')
      + fs.readFileSync(path.join(__dirname, '..', 'src', 'topologies.ts'), 'utf-8');
    for (const template of templates) {
      const base = path.basename(template).replace(/\.ts$/, '');
      expect({ template, used: sources.includes(template) || sources.includes(base) }).toEqual({ template, used: true });
    }
  });
});

describe('precompiled templates', () => {
  // The package ships templates precompiled (scripts/precompile-templates.js); they must
  // render exactly what the .hbs sources render.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chs-precompiled-')), 'templates.js');
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'precompile-templates.js'), file]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const specs = require(file) as Record<string, any>;
  const runtime = environment(false);

  test('cover every template', () => {
    expect(Object.keys(specs).sort()).toEqual(templateNames().sort());
  });

  test.each([
    [Topology.ALB_LAMBDA, false], [Topology.ALB_LAMBDA, true], [Topology.APIGW_VPCE, false], [Topology.APIGW_VPCE, true],
    [Topology.APIGW_PRIVATE_DOMAIN, false],
  ])('render as their sources do (%s, frontend %s)', (topology, frontend) => {
    const context = templateContext('my-app', withDefaults({ topology, frontend, corporateCidrs: ['10.0.0.0/8', 'fd00::/8'] }));
    for (const name of templateNames()) {
      const ctx = name === '.projenrc.ts' ? { entries: [{ key: 'name', literal: "'my-app'" }], usesPackageManager: true }
        // What the Docs component renders into the architecture document.
        : { ...context, topologyDocs: 'the topology\'s part', eventDocs: 'the event\'s part' };
      expect({ name, text: runtime.template(specs[name])(ctx) }).toEqual({ name, text: templateFor(name, true)(ctx) });
    }
  });
});

function templateNames(): string[] {
  const root = path.join(__dirname, '..', 'templates');
  const names: string[] = [];
  const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else names.push(path.relative(root, full).split(path.sep).join('/').replace(/\.hbs$/, ''));
  });
  walk(root);
  return names;
}
