import * as fs from 'fs';
import * as path from 'path';
import { createFromTarball, freshDir, gitStatus, ok, packTarball } from './util';

describe('a repo generated with the API Gateway topology', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-apigw-');
  const repo = path.join(parent, 'gateway-app');

  test('builds green with its own `npx projen build`', () => {
    createFromTarball(tarball, parent, ['gateway-app', '--yes', '--topology', 'apigw-vpce']);
    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    const template = JSON.parse(fs.readFileSync(path.join(repo, 'cdk.out', 'GatewayApp.template.json'), 'utf-8'));
    const types = Object.values(template.Resources).map((resource: any) => resource.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::EC2::VPCEndpoint', 'AWS::ApiGateway::RestApi', 'Custom::AWS']));
    expect(gitStatus(repo)).toBe('');
  });

  test('switches to ALB to Lambda in .projenrc.ts and builds green with the handlers untouched', () => {
    const projenrc = path.join(repo, '.projenrc.ts');
    const source = fs.readFileSync(projenrc, 'utf-8');
    expect(source).toContain('topology: Topology.APIGW_VPCE,');
    fs.writeFileSync(projenrc, source.replace('topology: Topology.APIGW_VPCE,', 'topology: Topology.ALB_LAMBDA,'));
    ok('npx', ['projen'], repo);
    expect(fs.existsSync(path.join(repo, 'src/hybrid/apigw-vpce-api.ts'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'src/hybrid/alb-lambda-api.ts'))).toBe(true);

    const output = ok('npx', ['projen', 'build'], repo);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // Only the settings and managed files changed (ours and projen's): handlers, stack and tests are the team's.
    const changed = gitStatus(repo).split('\n').map((line) => line.slice(3));
    expect(changed).toContain('.projenrc.ts');
    expect(changed).toContain('src/hybrid/config.ts');
    for (const file of changed) {
      expect(file).toMatch(/^(\.projenrc\.ts|\.gitattributes|\.projen\/.*|src\/hybrid\/.*|test\/hybrid\/.*)$/);
    }
  });
});
