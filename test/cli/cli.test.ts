import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, BUNDLE, cleanEnv, contentsOf, everySettingFlag, filesIn, leftovers, loadProbe, requireBuiltCli, ROOT, runCli, runCliAsync, tempDir } from './util';
import { SETTINGS } from '../../src/settings';

/** Black-box tests of the built CLI: spawned as users run it, comparing the files written. */
beforeAll(requireBuiltCli);

const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version;
const OFFLINE = ['--no-install', '--no-git'];

let parent: string;
beforeEach(() => { parent = tempDir(); });
afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('--help and --version', () => {
  test.each([['--help'], ['-h']])('%s lists every setting and option, exit 0', (flag) => {
    const result = runCli([flag], { cwd: parent });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Usage: create-hybrid-serverless [directory] [options]');
    // The descriptions wrap to fit 80 columns.
    const text = result.stdout.replace(/\s+/g, ' ');
    for (const spec of SETTINGS) {
      expect(result.stdout).toContain(spec.flag);
      expect(text).toContain(spec.summary);
    }
    for (const option of ['-t, --topology', '--no-frontend', '-y, --yes', '--answers <file.json>', '--force', '--dry-run',
      '--no-install', '--no-git', '--package-spec <npm spec>', '-h, --help', '-v, --version']) {
      expect(result.stdout).toContain(option);
    }
    expect(text).toContain('Exit codes: 0 done, 1 failed while generating or installing, 2 bad usage or input, 130 cancelled');
    expect(text).toContain('--force write into a non-empty directory: add the files that are not there yet; never replace, delete or commit a file of yours');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('--help fits in 80 columns', () => {
    const lines = runCli(['--help'], { cwd: parent }).stdout.split('\n');
    expect(lines.filter((line) => [...line].length > 80)).toEqual([]);
  });

  test.each([['--version'], ['-v']])('%s prints the version', (flag) => {
    expect(runCli([flag], { cwd: parent })).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test('loading the CLI loads neither projen, nor prompts, nor the templates', () => {
    const script = `require(${JSON.stringify(path.join(ROOT, 'lib', 'cli', 'main.js'))});
      const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](projen|prompts|handlebars|constructs)[\\/]/.test(f) || /lib[\\/](project|generate|render)\\.js$/.test(f));
      console.log(JSON.stringify(loaded));`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf-8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  test('the bundle, which the bin runs, loads projen and the templates only to generate', () => {
    // Bundled modules are not in require.cache, but what they read at run time is: projen's package.json
    // (its version, read as projen loads) and lib/templates.js (read to render).
    const script = `const bundle = require(${JSON.stringify(BUNDLE)});
      const read = () => Object.keys(require.cache).filter((f) => /node_modules[\\/]projen[\\/]package\\.json$|lib[\\/]templates\\.js$/.test(f)).length;
      const loaded = read();
      bundle.run(['app', '--yes', '--dry-run'], { cwd: ${JSON.stringify(parent)}, interactive: false, env: process.env, out() {}, err() {} })
        .then((code) => console.log(JSON.stringify({ loaded, code, generated: read() })));`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf-8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ loaded: 0, code: 0, generated: 2 });
  });
});

describe('creating a project', () => {
  test('--yes: every default, the files the dry run listed, nothing else', () => {
    const dryRun = runCli(['app', '--yes', '--dry-run', ...OFFLINE], { cwd: parent });
    expect(dryRun.status).toBe(0);
    expect(fs.readdirSync(parent)).toEqual([]);
    const listed = dryRun.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
    expect(dryRun.stdout).toContain(`${listed.length} files would be written:`);
    expect(dryRun.stdout).toContain('Dry run: nothing was written.');

    const result = runCli(['app', '--yes', ...OFFLINE], { cwd: parent });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const target = path.join(parent, 'app');
    expect(fs.readdirSync(parent)).toEqual(['app']);
    expect(filesIn(target)).toEqual(listed);
    expect(listed).toEqual(expect.arrayContaining(['.projenrc.ts', 'package.json', 'README.md']));
    fs.mkdirSync(path.join(parent, 'made-by-mkdir'));
    expect(fs.statSync(target).mode).toBe(fs.statSync(path.join(parent, 'made-by-mkdir')).mode);

    const projenrc = fs.readFileSync(path.join(target, '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('name: \'app\'');
    expect(projenrc).toContain('Topology.ALB_LAMBDA');
    const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf-8'));
    expect(manifest.name).toBe('app');
    // The package's version lives in package.json (where npm install and the upgrade task change
    // it), never in .projenrc.ts (from where projen would put an old one back).
    expect(manifest.devDependencies['create-hybrid-serverless']).toBe(`^${VERSION}`);
    expect(projenrc).not.toContain('create-hybrid-serverless@');

    // Next steps, with the placeholders still to replace.
    expect(result.stdout).toContain('  cd app\n  npm install && npx projen\n  npx projen build\n  npx projen deploy:dev');
    for (const key of ['hostedZoneId', 'certificateArn', 'vpcId', 'subnetIds', 'account']) expect(result.stdout).toContain(`  ${key}`);
    expect(result.stdout).toContain('Set them in .projenrc.ts, then run npx projen');
  });

  test('every setting as a flag: written to .projenrc.ts as given (the domain lowercased)', () => {
    const result = runCli([
      'portal',
      ...everySettingFlag({
        topology: 'apigw-vpce',
        frontend: true,
        domain: ' Portal.Corp.Example.com ',
        hostedZoneId: 'Z0987654321ZYXWVUTSRQ',
        account: '111122223333',
        region: 'us-east-2',
        certificateArn: 'arn:aws:acm:us-east-2:111122223333:certificate/12345678-1234-1234-1234-123456789012',
        vpcId: 'vpc-11112222',
        subnetIds: 'subnet-11112222, subnet-33334444',
        corporateCidrs: '10.0.0.0/8,192.168.0.0/16',
      }),
      '--package-spec', 'file:./pkg.tgz', ...OFFLINE,
    ], { cwd: parent });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const projenrc = fs.readFileSync(path.join(parent, 'portal', '.projenrc.ts'), 'utf-8');
    for (const expected of [
      'Topology.APIGW_VPCE', 'frontend: true', '\'portal.corp.example.com\'', '\'Z0987654321ZYXWVUTSRQ\'', '\'111122223333\'',
      '\'us-east-2\'', 'certificate/12345678-1234-1234-1234-123456789012', '\'vpc-11112222\'',
      '[\'subnet-11112222\', \'subnet-33334444\']', '[\'10.0.0.0/8\', \'192.168.0.0/16\']',
    ]) {
      expect(projenrc).toContain(expected);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(parent, 'portal', 'package.json'), 'utf-8'));
    expect(manifest.devDependencies['create-hybrid-serverless']).toBe(`file:${path.join(parent, 'pkg.tgz')}`);
    expect(result.stdout).not.toContain('placeholders');
  });

  test('the certificate default follows the region and account', () => {
    expect(runCli(['app', '--yes', '--region', 'cn-north-1', '--account', '111122223333', ...OFFLINE], { cwd: parent }).status).toBe(0);
    expect(fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8'))
      .toContain('arn:aws-cn:acm:cn-north-1:111122223333:certificate/00000000-0000-0000-0000-000000000000');
  });

  test('a number setting takes the number typed on the command line', () => {
    const result = runCli(['app', '--yes', '--reserved-concurrency', '20', '--handler-egress', '10.20.0.0/16:5432', ...OFFLINE], { cwd: parent });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const projenrc = fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('reservedConcurrency: 20,');
    expect(projenrc).toContain("handlerEgress: ['10.20.0.0/16:5432'],");
    expect(runCli(['other', '--yes', '--reserved-concurrency', '2x', ...OFFLINE], { cwd: parent }).status).toBe(2);
  });

  test('an answers file, with flags overriding it; missing values take defaults', () => {
    fs.writeFileSync(path.join(parent, 'answers.json'), JSON.stringify({
      name: 'intranet-api', topology: 'apigw-vpce', region: 'mars-1', subnetIds: 'subnet-11112222,subnet-33334444',
    }));
    const result = runCli(['--answers', 'answers.json', '--region', 'eu-north-1', ...OFFLINE], { cwd: parent });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(parent).sort()).toEqual(['answers.json', 'intranet-api']);
    const projenrc = fs.readFileSync(path.join(parent, 'intranet-api', '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain('name: \'intranet-api\'');
    expect(projenrc).toContain('Topology.APIGW_VPCE');
    expect(projenrc).toContain('region: \'eu-north-1\'');
    expect(projenrc).toContain('[\'subnet-11112222\', \'subnet-33334444\']');
    expect(projenrc).toContain('frontend: false');
  });

  test('an odd directory name is made a valid project name, and says so', () => {
    const result = runCli(['My Intranet App', '--yes', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('The directory name "My Intranet App" is not a valid npm package name; the project is named "my-intranet-app".');
    expect(result.stdout).toContain('  cd \'My Intranet App\'');
    expect(JSON.parse(fs.readFileSync(path.join(parent, 'My Intranet App', 'package.json'), 'utf-8')).name).toBe('my-intranet-app');
  });

  test('missing parent directories are created; the current directory works too', () => {
    expect(runCli(['a/b/app/', '--yes', ...OFFLINE], { cwd: parent }).status).toBe(0);
    expect(fs.existsSync(path.join(parent, 'a', 'b', 'app', '.projenrc.ts'))).toBe(true);

    const here = path.join(parent, 'here-app');
    fs.mkdirSync(here);
    const result = runCli(['.', '--yes', ...OFFLINE], { cwd: here });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('cd ');
    expect(JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf-8')).name).toBe('here-app');
    expect(leftovers(parent)).toEqual([]);
  });

  test('a package manager from the user agent', () => {
    const env = cleanEnv({ npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.11.0 linux x64' });
    const result = runCli(['app', '--yes', ...OFFLINE], { cwd: parent, env });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  pnpm install && pnpm exec projen\n  pnpm exec projen build\n  pnpm exec projen deploy:dev');
    expect(fs.readFileSync(path.join(parent, 'app', '.projenrc.ts'), 'utf-8')).toContain('NodePackageManager.PNPM');
  });

  test('git: one commit of everything', () => {
    const home = tempDir();
    try {
      const env = cleanEnv({ HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig') });
      const result = runCli(['app', '--yes', '--no-install'], { cwd: parent, env });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Created a git repository with one commit.');
      const git = (...args: string[]) => spawnSync('git', args, { cwd: path.join(parent, 'app'), encoding: 'utf-8', env }).stdout.trim();
      expect(git('log', '--format=%s')).toBe('chore: scaffold with create-hybrid-serverless');
      expect(git('status', '--porcelain')).toBe('');
      expect(git('ls-files').split('\n')).toEqual(expect.arrayContaining(['.projenrc.ts', 'package.json']));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('without a terminal', () => {
  test('the load probe of the runs below sees projen and the templates once the CLI generates', () => {
    const probe = loadProbe();
    const result = runCli(['app', '--yes', '--dry-run'], { cwd: parent, env: probe.env });
    expect(result.status).toBe(0);
    expect(probe.loaded()).toHaveLength(2);
  });

  test('no --yes and no --answers: exit 2 at once, saying what to pass', () => {
    const probe = loadProbe();
    const result = runCli(['app'], { cwd: parent, env: probe.env });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('stdin: is not a terminal, so nothing can be asked. Pass --yes');
    expect(result.stderr).toContain('--answers <file.json>');
    expect(result.stderr).toContain('--topology');
    // At once: before projen (or the templates) is loaded.
    expect(probe.loaded()).toEqual([]);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('it never waits, even with stdin left open', async () => {
    const child = spawn(process.execPath, [BIN], { cwd: parent, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve(null); }, 10_000);
      child.on('close', (code) => { clearTimeout(timer); resolve(code); });
    });
    expect(status).toBe(2);
    expect(stderr).toContain('[directory]');
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('an existing directory', () => {
  let target: string;
  beforeEach(() => {
    target = path.join(parent, 'app');
    fs.mkdirSync(path.join(target, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(target, 'README.md'), 'my own readme');
    fs.writeFileSync(path.join(target, 'notes.txt'), 'keep me');
    fs.writeFileSync(path.join(target, 'docs', 'design.md'), 'keep me too');
  });

  test('non-empty: refused with a listing and a mention of --force', () => {
    const result = runCli(['app', '--yes', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not empty (README.md, docs, notes.txt). Choose another directory, or pass --force');
    expect(filesIn(target)).toEqual(['README.md', 'docs/design.md', 'notes.txt']);
    expect(leftovers(parent)).toEqual([]);
  });

  test('--force --dry-run marks the files that are there and would be kept', () => {
    const result = runCli(['app', '--yes', '--force', '--dry-run', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('1 already there and different: would be kept as they are (marked *)');
    expect(result.stdout).toContain('  * README.md\n');
    expect(filesIn(target)).toEqual(['README.md', 'docs/design.md', 'notes.txt']);
    expect(leftovers(parent)).toEqual([]);
  });

  test('--force: the generated files added, the user\'s files untouched (a README that differs is kept and listed)', () => {
    const fresh = tempDir();
    try {
      expect(runCli(['app', '--yes', ...OFFLINE], { cwd: fresh }).status).toBe(0);
      const generated = contentsOf(path.join(fresh, 'app'));

      const result = runCli(['app', '--yes', '--force', ...OFFLINE], { cwd: parent });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Kept 1 of your files, which differ from what the project has (yours are unchanged):\n  README.md\n');
      expect(contentsOf(target)).toEqual({ ...generated, 'README.md': 'my own readme', 'notes.txt': 'keep me', 'docs/design.md': 'keep me too' });
      expect(leftovers(parent)).toEqual([]);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('--force with a directory where a generated file goes: exit 1, nothing changed, nothing left over', () => {
    fs.mkdirSync(path.join(target, 'package.json'));
    fs.writeFileSync(path.join(target, 'package.json', 'x'), '');
    const result = runCli(['app', '--yes', '--force', ...OFFLINE], { cwd: parent });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('package.json is a directory, but the project has a file there');
    expect(result.stderr).toContain('The files already there are as they were.');
    expect(filesIn(target)).toEqual(['README.md', 'docs/design.md', 'notes.txt', 'package.json/x']);
    expect(fs.readFileSync(path.join(target, 'README.md'), 'utf-8')).toBe('my own readme');
    expect(leftovers(parent)).toEqual([]);
  });
});

describe('installing', () => {
  test('an install that fails keeps the files and says how to finish: exit 1', async () => {
    // A registry that refuses connections: npm fails fast, offline.
    const env = cleanEnv({ npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_audit: 'false', npm_config_fund: 'false' });
    const result = await runCliAsync(['app', '--yes', '--no-git', '--package-spec', 'file:/nonexistent/create-hybrid-serverless.tgz'], { cwd: parent, env });
    expect(result.status).toBe(1);
    expect(result.output).toContain('Failed: "npm install" did not complete.');
    expect(result.output).toContain(`The project files are in ${path.join(parent, 'app')} and were kept. To finish, run:\n  cd app && npm install && npx projen`);
    expect(fs.existsSync(path.join(parent, 'app', '.projenrc.ts'))).toBe(true);
    expect(fs.existsSync(path.join(parent, 'app', '.git'))).toBe(false);
    expect(leftovers(parent)).toEqual([]);
  });
});
