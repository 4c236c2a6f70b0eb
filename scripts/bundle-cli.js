#!/usr/bin/env node
// Part of `npx projen compile`: bundles the CLI (lib/cli/main.js and everything it requires: projen,
// constructs, prompts, handlebars…) into two files, which bin/create-hybrid-serverless runs. Node then
// reads and compiles two files instead of about 770 modules (projen alone has 624), which cuts the CPU
// time of `npx create-hybrid-serverless` by about a third. lib/cli.bundle.js holds what answers at once
// (arguments, checks, help, questions); lib/cli-generate.bundle.js (lib/generate.js: projen, the project
// type) is loaded only to generate, so --help and bad input do not parse its 2.9 MB. lib/index.js (the
// project type that .projenrc.ts files load) stays unbundled: it must share the repo's own projen.
//
// A bundled module must behave as it did installed. What esbuild would get wrong is rewritten in
// each module as it is loaded (the plugin below), found by parsing it, not by hand:
// - `__dirname` / `__filename`: declared at the top of the module as the path it has installed:
//   our files relative to the package root (found from the bundle's own location), a dependency's
//   relative to where that dependency is installed at run time (looked up as Node does).
// - `require.resolve(…)`, `require(<not a string>)` and `require('<…>.json')`: run at run time by a
//   `require` made for the module's installed path (module.createRequire), so that a package.json
//   is read from the installed package (its version can change after the bundle is built: see
//   test/e2e/upgrade.test.ts) and relative paths resolve as they would installed.
// - anything else that depends on a module's own location (`require.main`, `require.cache`,
//   `module.filename`, `import.meta`, `import(<not a string>)`…) fails the build, as does every
//   esbuild warning: a new trap is an error here, not a surprise for a user.
//   node scripts/bundle-cli.js
const fs = require('fs');
const path = require('path');
const acorn = require('acorn');
const walk = require('acorn-walk');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUTDIR = path.join(ROOT, 'lib');
// The CLI, and the part of it that only generating needs (`require('../generate')` in lib/cli/create.js).
const FRONT = { entry: path.join(ROOT, 'lib', 'cli', 'main.js'), outfile: path.join(OUTDIR, 'cli.bundle.js') };
const GENERATE = { entry: path.join(ROOT, 'lib', 'generate.js'), outfile: path.join(OUTDIR, 'cli-generate.bundle.js') };

// `require.X` that behave the same in the bundle: the process-wide registry of file extensions.
const SAFE_REQUIRE_MEMBERS = new Set(['extensions']);
// `module.X` that behave the same in the bundle (esbuild gives each module its own `module.exports`).
const SAFE_MODULE_MEMBERS = new Set(['exports']);
// Modules that projen requires at load time but the CLI never uses while it writes files (about 10 % of its
// CPU): dax runs tasks, xmlbuilder2 writes XML (Java projects), @iarna/toml TOML (Python projects). A module-level
// `const x = require("<one of them>")` (or `__importStar(require(…))`) becomes an object that loads the module on
// first use; a binding used other than as `x.member` fails the build.
const LOADED_ON_FIRST_USE = new Set(['dax', 'xmlbuilder2', '@iarna/toml']);

/** Where a module lives at run time, as code for the banner's helper, or an error. */
function locationOf(file) {
  const relative = path.relative(ROOT, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${file} is outside the package: its installed location is unknown`);
  }
  const parts = relative.split(path.sep);
  if (parts[0] !== 'node_modules') return `__chsBundle.own(${JSON.stringify(parts.join('/'))})`;
  // node_modules/a/node_modules/@b/c/lib/x.js → packages ['a', '@b/c'], rest 'lib/x.js'.
  const chain = [];
  let i = 0;
  while (parts[i] === 'node_modules') {
    const name = parts[i + 1].startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
    chain.push(name);
    i += 1 + name.split('/').length;
  }
  return `__chsBundle.dep(${JSON.stringify(chain)}, ${JSON.stringify(parts.slice(i).join('/'))})`;
}

/** Parses a module: CommonJS first (as Node loads a .js file here), then as an ES module. */
function parse(source, file) {
  const options = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true };
  try {
    return acorn.parse(source, { ...options, sourceType: 'script' });
  } catch {
    try {
      return acorn.parse(source, { ...options, sourceType: 'module' });
    } catch (error) {
      throw new Error(`${file}: cannot parse: ${error.message}`);
    }
  }
}

/**
 * The module's source with what depends on its location rewritten (see the top of this file), or
 * undefined when nothing does. Throws for what cannot be made to behave as installed.
 */
function rewrite(source, file) {
  if (!/\b(__dirname|__filename|require|module|import)\b/.test(source)) return undefined;
  const ast = parse(source, file);
  const where = (node) => `${path.relative(ROOT, file)}:${acorn.getLineInfo(source, node.start).line}`;
  const edits = []; // [start, end, replacement]
  const problems = [];
  const moduleProblems = []; // dropped when the file declares a `module` of its own (webpack's bootstrap does)
  const uses = { dirname: false, filename: false, require: false };
  const declared = new Set();

  walk.ancestor(ast, {
    VariablePattern(node) {
      declared.add(node.name);
    },
    Identifier(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      if (node.name === '__dirname') uses.dirname = true;
      if (node.name === '__filename') uses.filename = true;
      if (node.name === 'module' && parent.type === 'MemberExpression' && parent.object === node && !parent.computed
        && !SAFE_MODULE_MEMBERS.has(parent.property.name)) {
        moduleProblems.push(`${where(node)}: module.${parent.property.name} is not the installed module's in a bundle`);
      }
      if (node.name !== 'require') return;
      if (parent.type === 'CallExpression' && parent.callee === node) {
        const [spec] = parent.arguments;
        const literal = spec?.type === 'Literal' && typeof spec.value === 'string' ? spec.value
          : spec?.type === 'TemplateLiteral' && spec.expressions.length === 0 ? spec.quasis[0].value.cooked : undefined;
        // A module required by name is bundled; a JSON file or a computed name is required at run time.
        if (literal === undefined || literal.endsWith('.json')) {
          edits.push([node.start, node.end, '__chsRequire']);
          uses.require = true;
        }
      } else if (parent.type === 'MemberExpression' && parent.object === node && !parent.computed) {
        if (parent.property.name === 'resolve') {
          edits.push([node.start, node.end, '__chsRequire']);
          uses.require = true;
        } else if (!SAFE_REQUIRE_MEMBERS.has(parent.property.name)) {
          problems.push(`${where(node)}: require.${parent.property.name} is not the installed module's in a bundle`);
        }
      } else if (!(parent.type === 'UnaryExpression' && parent.operator === 'typeof')) {
        problems.push(`${where(node)}: require is used as a value, which esbuild does not bundle`);
      }
    },
    MetaProperty(node) {
      if (node.meta.name === 'import') problems.push(`${where(node)}: import.meta is not available in the CommonJS bundle`);
    },
    ImportExpression(node) {
      if (!(node.source.type === 'Literal' && typeof node.source.value === 'string')) {
        problems.push(`${where(node)}: import() of a computed name is not bundled`);
      }
    },
  });
  if (!declared.has('module')) problems.push(...moduleProblems);
  const lazy = loadedOnFirstUse(ast, where);
  problems.push(...lazy.problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  edits.push(...lazy.edits);
  if (!uses.dirname && !uses.filename && !uses.require) return applyEdits(source, edits);
  if (declared.has('__dirname') || declared.has('__filename') || declared.has('__chsRequire')) {
    throw new Error(`${path.relative(ROOT, file)} declares its own __dirname, __filename or __chsRequire`);
  }

  // The declarations go after the "use strict" directives (before them, they would end strict mode).
  const directives = ast.body.filter((statement, index) => statement.directive !== undefined
    && ast.body.slice(0, index).every((s) => s.directive !== undefined));
  const at = directives.length > 0 ? directives[directives.length - 1].end : source.startsWith('#!') ? source.indexOf('\n') : 0;
  const declarations = [`__filename = ${locationOf(file)}`];
  if (uses.dirname) declarations.push('__dirname = __chsBundle.dirname(__filename)');
  if (uses.require) declarations.push('__chsRequire = __chsBundle.requireFrom(__filename)');
  edits.push([at, at, ` var ${declarations.join(', ')};`]);
  return applyEdits(source, edits);
}

/** The source with the edits ([start, end, replacement], not overlapping) made, or undefined when there are none. */
function applyEdits(source, edits) {
  if (edits.length === 0) return undefined;
  let output = source;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
    output = output.slice(0, start) + text + output.slice(end);
  }
  return output;
}

/** The edits that make LOADED_ON_FIRST_USE modules load on first use, and what prevents it. */
function loadedOnFirstUse(ast, where) {
  const edits = [];
  const problems = [];
  const isRequire = (node) => node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require'
    && node.arguments.length === 1 && node.arguments[0].type === 'Literal' && LOADED_ON_FIRST_USE.has(node.arguments[0].value);
  const bindings = new Map(); // name → its declarator
  for (const statement of ast.body) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init;
      const required = isRequire(init) || (init?.type === 'CallExpression' && init.callee.type === 'Identifier'
        && init.callee.name === '__importStar' && init.arguments.length === 1 && isRequire(init.arguments[0]));
      if (!required) continue;
      if (declarator.id.type !== 'Identifier') {
        problems.push(`${where(declarator)}: a module loaded on first use must be bound to one name`);
        continue;
      }
      bindings.set(declarator.id.name, declarator);
    }
  }
  if (bindings.size === 0) return { edits, problems };
  walk.ancestor(ast, {
    Identifier(node, _state, ancestors) {
      const declarator = bindings.get(node.name);
      if (!declarator || node === declarator.id) return;
      const parent = ancestors[ancestors.length - 2];
      if (!(parent.type === 'MemberExpression' && parent.object === node)) {
        problems.push(`${where(node)}: ${node.name} (loaded on first use) is used other than as ${node.name}.member`);
      }
    },
  });
  for (const declarator of bindings.values()) {
    const { start, end } = declarator.init;
    edits.push([start, start, '__chsBundle.onFirstUse(() => '], [end, end, ')']);
  }
  return { edits, problems };
}

// Defined at the top of the bundle: where our package and each dependency are installed.
// "use strict" first: the banner would otherwise end the bundle's own directive (the entry is strict).
const BANNER = `
"use strict";
var __chsBundle = (() => {
  const fs = require("fs"), path = require("path"), { createRequire } = require("module");
  // The package root, from where this file is in it.
  const root = path.join(__dirname, ${JSON.stringify(path.relative(OUTDIR, ROOT).split(path.sep).join('/'))});
  const found = new Map();
  // A package's directory, looked up from \`from\` as Node does (node_modules of each parent directory).
  function find(name, from) {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      if (path.basename(dir) !== "node_modules" && fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
      if (path.dirname(dir) === dir) throw new Error(\`create-hybrid-serverless: cannot find the installed package \${name} from \${from}\`);
    }
  }
  return {
    own: (file) => path.join(root, file),
    dep(chain, file) {
      const key = chain.join(" ");
      if (!found.has(key)) found.set(key, chain.reduce((dir, name) => find(name, dir), root));
      return path.join(found.get(key), file);
    },
    dirname: path.dirname,
    requireFrom: createRequire,
    // A module's exports, loaded when a member is first read.
    onFirstUse(load) {
      let loaded;
      const exports = () => (loaded ??= load());
      return new Proxy({}, { get: (_, name) => exports()[name], has: (_, name) => name in exports() });
    },
  };
})();`;

const locationPlugin = {
  name: 'installed-locations',
  setup(build) {
    build.onLoad({ filter: /\.(c?js)$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf-8');
      const contents = rewrite(source, args.path);
      return contents === undefined ? undefined : { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** The front bundle requires the generate bundle, beside it, where lib/cli/create.js requires lib/generate.js. */
const generateApart = {
  name: 'generate-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/generate$/ }, (args) => (path.join(args.resolveDir, args.path) === GENERATE.entry.replace(/\.js$/, '')
      ? { path: `./${path.basename(GENERATE.outfile)}`, external: true } : undefined));
  },
};

/** Bundles one entry point; exits with esbuild's errors and warnings, named by file and line. */
async function bundle({ entry, outfile }, plugins) {
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    banner: { js: BANNER.trim() },
    // Less to parse (about 15 ms of CPU); names are kept, so stack traces still read.
    minifyWhitespace: true,
    plugins: [...plugins, locationPlugin],
    metafile: true,
    logLevel: 'silent',
    // A require that the plugin missed would stay in the bundle and resolve from the wrong place.
    logOverride: { 'unsupported-require-call': 'error', 'require-resolve-not-external': 'error' },
  }).catch((error) => {
    // The plugin's messages name their file and line; esbuild's own have a location.
    for (const message of error.errors ?? [error]) {
      const at = message.location && !message.pluginName ? `${message.location.file}:${message.location.line}: ` : '';
      console.error(`bundle-cli: ${at}${message.text ?? message.message}`);
    }
    process.exit(1);
  });
  if (result.warnings.length > 0) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    console.error(text.join('\n'));
    console.error('bundle-cli: esbuild warned (above); every warning is an error here.');
    process.exit(1);
  }
  const inputs = Object.keys(result.metafile.inputs);
  const size = fs.statSync(outfile).size;
  console.log(`bundled ${inputs.length} modules into ${path.relative(process.cwd(), outfile)} (${(size / 1e6).toFixed(1)} MB)`);
  return inputs;
}

/** What the front bundle must not carry (its inputs, relative to the package root): projen and the project type. */
function onlyForGenerating(inputs) {
  return inputs.filter((input) => /(^|\/)node_modules\/projen\/|^lib\/(generate|project)\.js$/.test(input));
}

async function main() {
  const front = await bundle(FRONT, [generateApart]);
  // What answers at once must not carry projen: a static import of it (or of the project type) would.
  const heavy = onlyForGenerating(front);
  if (heavy.length > 0) {
    console.error(`bundle-cli: ${path.relative(process.cwd(), FRONT.outfile)} would carry what only generating needs: ${heavy.slice(0, 3).join(', ')}`
      + ' (require it from lib/generate.js, which lib/cli/create.js loads lazily)');
    process.exit(1);
  }
  await bundle(GENERATE, []);
}

// Run by the compile task; required by test/bundle-cli.test.ts.
if (require.main === module) void main();
module.exports = { rewrite, BANNER, onlyForGenerating };
