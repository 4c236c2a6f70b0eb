import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { createWithSharedInstall, freshDir, gitStatus, infrastructureTestWith, ok, packTarball, run, templateOf } from './util';

// One repo with the private custom domain topology (no load balancer), then switched to the two
// topologies with one and back, each built green with its own `npx projen build` and its template
// passing cfn-lint; the team's files stay untouched throughout.
describe('a repo generated with the private custom domain topology', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-domain-');
  const repo = path.join(parent, 'domain-app');
  // Each environment is a CDK Stage with its own assembly: the stack of `dev`.
  const templateFile = () => templateOf(repo, 'dev', 'DomainApp');
  const resources = () => Object.values(JSON.parse(fs.readFileSync(templateFile(), 'utf-8')).Resources) as any[];
  const types = () => resources().map((resource) => resource.Type as string);
  const edit = (from: string, to: string) => {
    const projenrc = path.join(repo, '.projenrc.ts');
    const source = fs.readFileSync(projenrc, 'utf-8');
    expect(source).toContain(from);
    fs.writeFileSync(projenrc, source.replace(from, to));
  };
  const buildGreen = () => {
    expect(ok('npx', ['projen', 'build'], repo)).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(unacceptedCfnLintFindings(templateFile())).toEqual([]);
  };
  const ownFiles = ['src/api/app.ts', 'src/api/api.lambda.ts', 'src/app-stack.ts', 'src/main.ts', 'test/api.test.ts', 'README.md'];

  test('builds green without a load balancer', () => {
    createWithSharedInstall(tarball, parent, ['domain-app', '--yes', '--topology', 'apigw-private-domain']);
    buildGreen();
    expect(types()).toEqual(expect.arrayContaining(['AWS::ApiGateway::DomainNameV2', 'AWS::ApiGateway::BasePathMappingV2',
      'AWS::ApiGateway::DomainNameAccessAssociation', 'AWS::ApiGateway::RestApi', 'AWS::EC2::VPCEndpoint', 'AWS::Route53::RecordSet']));
    expect(types().filter((type) => type.startsWith('AWS::ElasticLoadBalancingV2::'))).toEqual([]);
    // The endpoint denies everything until a custom resource sets its policy to this API and domain name.
    const endpoint = resources().find((resource) => resource.Type === 'AWS::EC2::VPCEndpoint');
    expect(endpoint.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Deny', Action: '*', Principal: { AWS: '*' }, Resource: '*' }]);
    const setPolicy = resources().filter((resource) => resource.Type === 'Custom::AWS' && JSON.stringify(resource).includes('modifyVpcEndpoint'));
    expect(setPolicy).toHaveLength(1);
    expect(JSON.stringify(setPolicy[0].Properties.Create)).toMatch(/execute-api:eu-west-1:123456789012:\/domainnames\/app\.internal\.example\.com\+/);
    expect(fs.existsSync(path.join(repo, 'src/hybrid/internal-alb.ts'))).toBe(false);
    expect(gitStatus(repo)).toBe('');
  });

  test('turns red when the endpoint\'s policy set at deploy time lets through more than this app, in the managed check', () => {
    // An escape hatch that widens the policy the custom resource sets, to every API of every account.
    const managedTest = infrastructureTestWith(repo, `
    const setPolicy = this.app.node.findAll().find((c) => c.node.path.endsWith('/Endpoint/Policy/Resource/Default')) as CfnResource;
    const call = JSON.stringify({ service: 'EC2', action: 'modifyVpcEndpoint', parameters: {
      VpcEndpointId: this.app.api.endpoint.vpcEndpointId,
      PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: '*' }] }),
    } });
    setPolicy.addPropertyOverride('Create', call);
    setPolicy.addPropertyOverride('Update', call);
`);
    expect(managedTest.status).not.toBe(0);
    expect(managedTest.output).toMatch(/✕ lets through the endpoint nothing until deploy time, then invoking only this app's API .*\[execute-api-endpoint-policy\]/);
    expect(managedTest.output).toMatch(/Tests:\s+1 failed, \d+ passed/);
    expect(gitStatus(repo)).toBe('');
  });

  test('refuses a frontend, naming the topologies that serve one', () => {
    // The CLI as the repo installed it.
    const refused = run('npx', ['create-hybrid-serverless', '../with-frontend', '--yes', '--no-install', '--no-git',
      '--topology', 'apigw-private-domain', '--frontend'], repo);
    expect(refused.status).toBe(2);
    expect(refused.output).toMatch(/serves the API only.*"alb-lambda" or "apigw-vpce"/s);
    expect(fs.existsSync(path.join(parent, 'with-frontend'))).toBe(false);
  });

  test.each([
    ['APIGW_PRIVATE_DOMAIN', 'APIGW_VPCE'],
    ['APIGW_VPCE', 'ALB_LAMBDA'],
    ['ALB_LAMBDA', 'APIGW_PRIVATE_DOMAIN'],
  ])('switches from %s to %s in .projenrc.ts and builds green with the team\'s files untouched', (from, to) => {
    edit(`topology: Topology.${from},`, `topology: Topology.${to},`);
    // A second environment that uses an existing execute-api endpoint (behind the load balancer): the app leaves
    // its policy alone, and the load balancer sends only to that endpoint's addresses; it goes with the load balancer.
    const single = "environments: [{ name: 'dev' }],";
    const shared = "environments: [{ name: 'dev' }, { name: 'shared', vpcEndpointId: 'vpce-0123456789abcdef0' }],";
    if (to === 'APIGW_VPCE') edit(single, shared);
    if (from === 'APIGW_VPCE') edit(shared, single);
    // The build's first step synthesizes the switched .projenrc.ts, as `npx projen` would.
    buildGreen();
    if (to === 'APIGW_VPCE') {
      const existing = JSON.parse(fs.readFileSync(templateOf(repo, 'shared', 'DomainApp'), 'utf-8')).Resources;
      const sharedTypes = Object.values(existing).map((resource: any) => resource.Type);
      expect(sharedTypes).not.toContain('AWS::EC2::VPCEndpoint');
      expect(JSON.stringify(existing)).not.toContain('modifyVpcEndpoint');
      expect(JSON.stringify(existing)).toContain('vpce-0123456789abcdef0');
      expect(unacceptedCfnLintFindings(templateOf(repo, 'shared', 'DomainApp'))).toEqual([]);
    }
    expect(types().some((type) => type.startsWith('AWS::ElasticLoadBalancingV2::'))).toBe(to !== 'APIGW_PRIVATE_DOMAIN');
    const changed = gitStatus(repo).split('\n').map((line) => line.slice(3));
    for (const own of ownFiles) expect(changed).not.toContain(own);
  });
});
