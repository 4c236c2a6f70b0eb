import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { createFromTarball, freshDir, gitStatus, ok, packTarball } from './util';

// End to end, as a team would: the CLI from the packed tarball, a real install from the
// registry, then the generated repo's own build (bundle, compile, tests with cdk-nag, synth).
describe('a repo generated with the default topology (ALB to Lambda) and a frontend', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-alb-');
  const repo = path.join(parent, 'orders-app');

  test('is created, installed and committed by the CLI', () => {
    const output = createFromTarball(tarball, parent, ['orders-app', '--yes', '--frontend', '--domain', 'orders.corp.example.com']);
    expect(output).toContain('npx projen build');
    expect(fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8')).toContain("domain: 'orders.corp.example.com',");
    expect(fs.existsSync(path.join(repo, 'node_modules', 'aws-cdk-lib'))).toBe(true);
    expect(ok('git', ['log', '--oneline'], repo).trim().split('\n')).toHaveLength(1);
    expect(gitStatus(repo)).toBe('');
  });

  test('builds green with its own `npx projen build` and leaves the tree clean', () => {
    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    const templateFile = path.join(repo, 'cdk.out', 'OrdersApp.template.json');
    expect(unacceptedCfnLintFindings(templateFile)).toEqual([]);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    const types = Object.values(template.Resources).map((resource: any) => resource.Type);
    expect(types).toContain('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(types).not.toContain('AWS::ApiGateway::RestApi');
    // The frontend build ran inside the build, and the stack deploys it through an S3 endpoint.
    expect(fs.existsSync(path.join(repo, 'frontend', 'dist', 'index.html'))).toBe(true);
    expect(types).toEqual(expect.arrayContaining(['AWS::EC2::VPCEndpoint', 'Custom::CDKBucketDeployment']));
    expect(gitStatus(repo)).toBe('');
  });

  test('re-synthesizes to the same files with `npx projen`', () => {
    ok('npx', ['projen'], repo);
    expect(gitStatus(repo)).toBe('');
  });
});
