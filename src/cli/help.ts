import { placeholdersIn, SETTINGS, withDefaults } from '../settings';
import { DEFAULT_DIRECTORY, metavar } from './args';
import { CLI_NAME, wrap } from './ui';

/** The width `--help` fits in. */
const COLUMNS = 80;
const DESCRIPTION_INDENT = 10;

/** The options that are not settings, in the order of the CLI contract. */
const OTHER_OPTIONS: ReadonlyArray<[string, string]> = [
  ['-y, --yes', 'defaults for everything not given; never prompt'],
  ['    --preset <npm spec|path>', 'a company preset (an npm package, or a directory or tarball): its locked values are not asked, its defaults are the questions\' defaults; .projenrc.ts follows it (docs/presets.md)'],
  ['    --environment <name>', 'the first environment\'s name (default: dev); add more in .projenrc.ts'],
  ['    --answers <file.json>', 'answers as JSON, keys = option names (and "name" for the project name; "environments": a list of { name, … }; "auth": the sign-in, { issuer, … })'],
  ['    --force', 'write into a non-empty directory: add the files that are not there yet; never replace, delete or commit a file of yours (files that differ are kept and listed, .gitignore gets the entries the project needs appended, projen is not run after the install)'],
  ['    --dry-run', 'list what would be written, write nothing'],
  ['    --no-install', 'do not install dependencies (nor run projen)'],
  ['    --no-git', 'do not create a git repository'],
  ['    --package-spec <npm spec>', 'what the generated repo installs this package from (default: ^<this version>)'],
  ['-h, --help', 'show this help'],
  ['-v, --version', 'show the version'],
];

/** `--help`, generated from the settings registry plus the CLI's own options. */
export function helpText(version: string): string {
  const defaults = withDefaults({});
  const placeholders = placeholdersIn(defaults);
  const settings = SETTINGS.map((spec): [string, string] => {
    const short = spec.key === 'topology' ? '-t, ' : '    ';
    const usage = spec.kind === 'boolean' ? `${spec.flag} | --no-${spec.flag.slice(2)}` : `${spec.flag} ${metavar(spec)}`;
    const value = defaults[spec.key];
    // Optional settings have no default; their summary says what happens without them.
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return [`${short}${usage}`, spec.summary];
    const shown = placeholders.includes(spec.key) ? 'a placeholder' : Array.isArray(value) ? value.join(',') : String(value);
    return [`${short}${usage}`, `${spec.summary} (default: ${shown})`];
  });
  // Every line fits in 80 columns: each option on its line, its description wrapped below it.
  const lines = (rows: ReadonlyArray<[string, string]>) => rows.flatMap(([usage, text]) =>
    [`  ${usage}`, ...wrap(text, COLUMNS - DESCRIPTION_INDENT).map((line) => `${' '.repeat(DESCRIPTION_INDENT)}${line}`)]);
  const prose = (text: string) => wrap(text, COLUMNS);

  return [
    `${CLI_NAME} ${version}`,
    '',
    `Usage: ${CLI_NAME} [directory] [options]`,
    '',
    ...prose('Creates a serverless app reachable only from the corporate network (AWS CDK, managed by projen).'),
    ...prose(`In a terminal, asks for the directory (default: ${DEFAULT_DIRECTORY}) and each setting not given, ` +
      'then shows every answer and asks once before writing anything.'),
    ...prose('Placeholders synthesize offline; set the real values before `cdk deploy`.'),
    '',
    'Settings (lists are comma-separated):',
    ...lines(settings),
    '',
    'Options:',
    ...lines(OTHER_OPTIONS),
    '',
    ...prose('Exit codes: 0 done, 1 failed while generating or installing, 2 bad usage or input, 130 cancelled ' +
      '(128 + the signal number for other signals: 143 SIGTERM, 129 SIGHUP).'),
    '',
    'Examples:',
    '  npm create hybrid-serverless@latest my-app',
    `  ${CLI_NAME} my-app --yes --topology ${defaults.topology} \\`,
    `      --domain ${defaults.domain} --no-install`,
    `  ${CLI_NAME} my-app --answers answers.json --dry-run`,
    '',
  ].join('\n');
}
