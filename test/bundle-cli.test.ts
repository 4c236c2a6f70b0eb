import * as fs from 'fs';
import * as path from 'path';

// scripts/bundle-cli.js rewrites what a bundled module would get wrong (see the script); what it
// cannot make behave as installed must fail the build, naming the file and line.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rewrite, BANNER, onlyForGenerating } = require('../scripts/bundle-cli.js') as {
  rewrite: (source: string, file: string) => string | undefined;
  BANNER: string;
  onlyForGenerating: (inputs: string[]) => string[];
};
const ROOT = path.join(__dirname, '..');
const DEPENDENCY = path.join(ROOT, 'node_modules', 'a', 'node_modules', '@b', 'c', 'lib', 'x.js');
const OWN = path.join(ROOT, 'lib', 'cli', 'x.js');

describe('the bundle\'s rewrite of a module', () => {
  test('__dirname: the installed location, declared after "use strict"; text that names it is left alone', () => {
    const output = rewrite('"use strict";\nconst dir = __dirname;\nsrc.line(`path.join(__dirname, "x")`);\n', DEPENDENCY);
    expect(output).toBe('"use strict"; var __filename = __chsBundle.dep(["a","@b/c"], "lib/x.js"), '
      + '__dirname = __chsBundle.dirname(__filename);\nconst dir = __dirname;\nsrc.line(`path.join(__dirname, "x")`);\n');
  });

  test('our own files are found from the package root', () => {
    expect(rewrite('exports.file = __filename;', OWN)).toBe(' var __filename = __chsBundle.own("lib/cli/x.js");exports.file = __filename;');
  });

  test('JSON files, computed names and require.resolve are required at run time from the module\'s location', () => {
    const source = 'const v = require("../package.json").version;\nconst m = require(name);\nconst r = require.resolve("./y");\n'
      + 'const p = require.resolve.paths("z");\nconst bundled = require("./y");\nif (typeof require !== "undefined") require.extensions[".hbs"] = f;\n';
    expect(rewrite(source, OWN)).toBe(' var __filename = __chsBundle.own("lib/cli/x.js"), __chsRequire = __chsBundle.requireFrom(__filename);'
      + 'const v = __chsRequire("../package.json").version;\nconst m = __chsRequire(name);\nconst r = __chsRequire.resolve("./y");\n'
      + 'const p = __chsRequire.resolve.paths("z");\nconst bundled = require("./y");\nif (typeof require !== "undefined") require.extensions[".hbs"] = f;\n');
  });

  test('a module that needs nothing is left as it is', () => {
    expect(rewrite('const y = require("./y");\nmodule.exports = y;\n', DEPENDENCY)).toBeUndefined();
  });

  test.each([
    ['if (require.main === module) run();', 'lib/cli/x.js:1: require.main is not the installed module\'s in a bundle'],
    ['x();\ndelete require.cache[k];', 'lib/cli/x.js:2: require.cache is not the installed module\'s in a bundle'],
    ['console.log(module.filename);', 'lib/cli/x.js:1: module.filename is not the installed module\'s in a bundle'],
    ['const load = require;', 'lib/cli/x.js:1: require is used as a value, which esbuild does not bundle'],
    ['import(name).then(f);', 'lib/cli/x.js:1: import() of a computed name is not bundled'],
    ['export const u = import.meta.url;', 'lib/cli/x.js:1: import.meta is not available in the CommonJS bundle'],
  ])('fails the build: %s', (source, message) => {
    expect(() => rewrite(source, OWN)).toThrow(message);
  });

  test('a module of its own (webpack\'s bootstrap) may use its own module.loaded', () => {
    expect(rewrite('var module = { loaded: false };\nmodule.loaded = true;\n', DEPENDENCY)).toBeUndefined();
  });
});

describe('modules projen loads but the CLI does not use while it writes files', () => {
  const PROJEN = path.join(ROOT, 'node_modules', 'projen', 'lib', 'x.js');

  test('are loaded on first use: a module-level require, or __importStar of one', () => {
    const source = 'const dax_1 = require("dax");\nconst TOML = __importStar(require("@iarna/toml"));\nconst fs = require("fs");\n'
      + 'function f() { return dax_1.$.escapeArg(TOML.stringify({})); }\n';
    expect(rewrite(source, PROJEN)).toBe('const dax_1 = __chsBundle.onFirstUse(() => require("dax"));\n'
      + 'const TOML = __chsBundle.onFirstUse(() => __importStar(require("@iarna/toml")));\nconst fs = require("fs");\n'
      + 'function f() { return dax_1.$.escapeArg(TOML.stringify({})); }\n');
  });

  test('fail the build when the binding is used other than by its members', () => {
    expect(() => rewrite('const xml = require("xmlbuilder2");\nexport2(xml);\n', PROJEN))
      .toThrow('node_modules/projen/lib/x.js:2: xml (loaded on first use) is used other than as xml.member');
    expect(() => rewrite('const { create } = require("xmlbuilder2");\n', PROJEN))
      .toThrow('node_modules/projen/lib/x.js:1: a module loaded on first use must be bound to one name');
  });

  test('the loader reads the module once, when a member is first read', () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const bundle = new Function('require', '__dirname', `${BANNER}\nreturn __chsBundle;`)(require, path.join(ROOT, 'lib'));
    const load = jest.fn(() => ({ $: 'dax', escapeArg: (arg: string) => `'${arg}'` }));
    const module = bundle.onFirstUse(load);
    expect(load).not.toHaveBeenCalled();
    expect(module.$).toBe('dax');
    expect(module.escapeArg('a b')).toBe("'a b'");
    expect('escapeArg' in module).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

describe('the two bundles', () => {
  test('what answers at once (lib/cli.bundle.js) carries neither projen nor the project type', () => {
    // lib/cli.bundle.js as the compile built it: the bin's, with everything but what generating needs.
    const front = fs.readFileSync(path.join(ROOT, 'lib', 'cli.bundle.js'), 'utf-8');
    expect(front).toContain('require("./cli-generate.bundle.js")');
    expect(front).not.toMatch(/node_modules\/projen\//);
    // The compile fails on a front that would carry them.
    expect(onlyForGenerating(['lib/cli/main.js', 'node_modules/prompts/index.js', 'node_modules/projen/lib/index.js', 'lib/project.js']))
      .toEqual(['node_modules/projen/lib/index.js', 'lib/project.js']);
    expect(onlyForGenerating(['lib/cli/main.js', 'lib/settings.js', 'node_modules/handlebars/runtime.js'])).toEqual([]);
  });
});
