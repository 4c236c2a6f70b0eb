#!/usr/bin/env node
// `npx projen sample`: what a team does with the published package, done with this checkout.
// Packs the package, runs its CLI from the tarball into ./sample-app (installing from the
// registry), then runs the sample's own `npx projen build`.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const sample = path.join(root, 'sample-app');
const args = process.argv.slice(2);

function run(command, commandArgs, cwd) {
  console.log(`\n$ ${command} ${commandArgs.join(' ')}`);
  execFileSync(command, commandArgs, { cwd, stdio: 'inherit' });
}

const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-sample-pack-'));
run('npm', ['pack', '--pack-destination', packDir], root);
const tarball = path.join(packDir, fs.readdirSync(packDir).find((file) => file.endsWith('.tgz')));

// ./sample-app is this script's own output (git-ignored): replaced on every run.
fs.rmSync(sample, { recursive: true, force: true });
run('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'create-hybrid-serverless', 'sample-app', '--yes',
  '--package-spec', `file:${tarball}`, ...args], root);
run('npx', ['projen', 'build'], sample);
console.log(`\nThe sample is in ${path.relative(process.cwd(), sample) || '.'}: see its README.md.`);
