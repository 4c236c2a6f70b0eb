import * as fs from 'fs';
import * as path from 'path';
import { unacceptedCfnLintFindings } from './cfn-lint';
import { commit, copyRepo, createWithSharedInstall, freshDir, gitStatus, ok, packTarball, run, templateOf } from './util';

// A repo with the private custom domain topology (no load balancer), built green with its own `npx projen build`
// and its template passing cfn-lint; then, each on its own copy, switched to the topologies with a load balancer:
// the team's files stay untouched, and the switched repo type-checks.
describe('a repo generated with the private custom domain topology', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-domain-');
  const generated = path.join(parent, 'domain-app');
  /** The repo the current test works on: the generated one, or a copy of it. */
  let repo = generated;
  beforeAll(() => {
    createWithSharedInstall(tarball, parent, ['domain-app', '--yes', '--topology', 'apigw-private-domain']);
  });
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
    repo = copyRepo(generated);
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
    expect(gitStatus(repo)).toBe('');
  });

  test('refuses a frontend, naming the topologies that serve one', () => {
    repo = generated;
    // The CLI as the repo installed it.
    const refused = run('npx', ['create-hybrid-serverless', '../with-frontend', '--yes', '--no-install', '--no-git',
      '--topology', 'apigw-private-domain', '--frontend'], repo);
    expect(refused.status).toBe(2);
    expect(refused.output).toMatch(/serves the API only.*"alb-lambda" or "apigw-vpce"/s);
    expect(fs.existsSync(path.join(parent, 'with-frontend'))).toBe(false);
  });

  // A repo of each topology with a load balancer builds green in its own file (a second environment on an existing
  // execute-api endpoint too: apigw-vpce.test.ts); here, what the switch changes.
  test('switches to API Gateway via VPC endpoint with `npx projen`, with the team\'s files untouched, and type-checks', () => {
    repo = copyRepo(generated);
    edit('topology: Topology.APIGW_PRIVATE_DOMAIN,', 'topology: Topology.APIGW_VPCE,');
    ok('npx', ['projen'], repo);
    expect(fs.readFileSync(path.join(repo, 'src/hybrid/private-app.ts'), 'utf-8')).toContain("ManagedPrivateApp<'apigw-vpce'>");
    const changed = gitStatus(repo).split('\n').map((line) => line.slice(3));
    expect(changed).toEqual(expect.arrayContaining(['.projenrc.ts', 'src/hybrid/config.ts', 'src/hybrid/private-app.ts', 'docs/architecture.md']));
    for (const own of ownFiles) expect(changed).not.toContain(own);
    ok('npx', ['projen', 'typecheck'], repo);
  });

  test('switches to ALB to Lambda and back with `npx projen`, back to the very same files', () => {
    repo = copyRepo(generated);
    edit('topology: Topology.APIGW_PRIVATE_DOMAIN,', 'topology: Topology.ALB_LAMBDA,');
    ok('npx', ['projen'], repo);
    const changed = gitStatus(repo).split('\n').map((line) => line.slice(3));
    expect(changed).toEqual(expect.arrayContaining(['.projenrc.ts', 'src/hybrid/config.ts', 'src/hybrid/private-app.ts', 'docs/architecture.md']));
    for (const own of ownFiles) expect(changed).not.toContain(own);
    // The switched repo type-checks (its build is the ALB file's).
    ok('npx', ['projen', 'typecheck'], repo);
    commit(repo, 'ALB to Lambda');
    edit('topology: Topology.ALB_LAMBDA,', 'topology: Topology.APIGW_PRIVATE_DOMAIN,');
    ok('npx', ['projen'], repo);
    expect(ok('git', ['diff', '--stat', 'HEAD~1'], repo).trim()).toBe('');
  });
});
