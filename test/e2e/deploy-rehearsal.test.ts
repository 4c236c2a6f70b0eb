import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreatePolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CorporateNetwork, createCorporateNetwork, MOTO_ACCOUNT, Moto, startMoto } from './moto';
import { createWithSharedInstall, freshDir, packTarball, run, Run, templateOf } from './util';

// A deploy rehearsal: the real `cdk bootstrap` and `cdk deploy` of a generated repo, against moto_server on
// 127.0.0.1 instead of AWS. Bootstrap, asset publishing (template and Lambda code to the bootstrap bucket), change
// sets and stack creation run as they would against an account; what moto then holds is checked with the AWS SDK.
// The network a generated repo expects (VPC, subnets, hosted zone, certificate) is created in moto first.
// ALB to Lambda without the frontend: moto 5 cannot build an interface endpoint's `Fn::GetAtt [endpoint,
// NetworkInterfaceIds]` (ExecuteChangeSet answers 500 with a Python AttributeError, and the CDK CLI reports success
// over an empty stack), which the frontend's S3 endpoint and API Gateway via VPC endpoint need; the private custom
// domain's custom resources are Lambda functions, which moto runs in Docker. Those topologies are not rehearsed.
const REGION = 'eu-west-1';
const DOMAIN = 'orders.corp.example.com';
/** What the landing zone of the first rehearsal requires. */
const BOUNDARY = 'acme-boundary';
const TAGS = { 'cost-centre': '4711', 'owner': 'orders-team' };
// A deploy builds first (type-check, tests, synth): minutes on two loaded cores.
const DEPLOY_TIMEOUT = 8 * 60 * 1000;

describe('a deploy rehearsal against moto, the AWS stand-in', () => {
  const tarball = packTarball();
  const parent = freshDir('chs-e2e-deploy-');
  let moto: Moto;
  let network: CorporateNetwork;

  beforeAll(async () => {
    moto = await startMoto();
    network = await createCorporateNetwork(moto, REGION, DOMAIN);
  }, 60_000);
  afterAll(async () => moto?.stop());

  /** Generates a repo with the CLI from the tarball, for the network in moto; `extra` arguments for the CLI. */
  const generate = (name: string, topology: string, extra: string[] = []) => {
    createWithSharedInstall(tarball, parent, [name, '--yes', '--topology', topology, '--no-frontend', '--domain', DOMAIN,
      '--vpc-id', network.vpcId, '--subnet-ids', network.subnetIds.join(','), '--hosted-zone-id', network.hostedZoneId,
      '--certificate-arn', network.certificateArn, '--corporate-cidrs', '10.0.0.0/8',
      '--account', MOTO_ACCOUNT, '--region', REGION, '--no-git', ...extra]);
    return path.join(parent, name);
  };
  /** A company's preset, as its platform team publishes it (here a package in a directory): what its landing zone locks. */
  const landingZonePreset = (): string => {
    const dir = path.join(parent, 'acme-preset');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: '@acme/hybrid-preset', version: '1.0.0', main: 'index.js', peerDependencies: { 'create-hybrid-serverless': '*' },
    }));
    fs.writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify({ locked: { permissionsBoundary: BOUNDARY, tags: TAGS } })};\n`);
    return dir;
  };
  const aws = (command: string, args: string[], cwd: string) =>
    run(command, args, cwd, { env: moto.env(REGION), timeout: DEPLOY_TIMEOUT });
  /**
   * The deploy of the environment `dev`, as a team runs it: its task builds (type-check, tests with cdk-nag, synth) and
   * deploys the assembly it tested. Its stack `dev/OrdersApp` is `dev-OrdersApp` in CloudFormation.
   */
  const deploy = (repo: string): Run => aws('npx', ['projen', 'deploy:dev', '--require-approval', 'never'], repo);
  /**
   * `cdk bootstrap` of the environment, as before a team's first deploy, with the repo's CDK CLI. Bootstrapping is
   * per account and region, not per app: run outside the app, it skips a synthesis (30 s here). A custom qualifier
   * in the repo's cdk.json would then have to be passed with `--qualifier`.
   */
  const bootstrap = (repo: string): Run => aws(path.join(repo, 'node_modules', '.bin', 'cdk'), bootstrapArguments(repo), parent);
  /** The arguments of `cdk bootstrap` that the repo's docs/architecture.md gives for `dev`, as a team copies them. */
  const bootstrapArguments = (repo: string): string[] => {
    const docs = fs.readFileSync(path.join(repo, 'docs', 'architecture.md'), 'utf-8');
    const line = docs.split('\n').find((l) => l.startsWith(`npx cdk bootstrap aws://${MOTO_ACCOUNT}/${REGION}`));
    if (!line) throw new Error('docs/architecture.md gives no cdk bootstrap command for the environment');
    // The docs quote only words with spaces; these have none.
    return line.replace(/^npx cdk /, '').split(/\s+/);
  };

  const cloudFormation = () => new CloudFormationClient(moto.client(REGION));
  const stackStatus = async (stack: string) =>
    (await cloudFormation().send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]?.StackStatus;
  const stackResources = async (stack: string) =>
    (await cloudFormation().send(new ListStackResourcesCommand({ StackName: stack }))).StackResourceSummaries ?? [];
  const physicalId = (resources: StackResourceSummary[], type: string) =>
    resources.find((resource) => resource.ResourceType === type)?.PhysicalResourceId;
  const template = (repo: string, stack: string) =>
    JSON.parse(fs.readFileSync(templateOf(repo, 'dev', stack), 'utf-8')) as { Resources: Record<string, { Type: string }> };

  test('ALB to Lambda, from a company preset whose landing zone requires a boundary and tags: the real cdk bootstrap (as the docs give it) and cdk deploy ' +
    'bring the stack to CREATE_COMPLETE, with function, load balancer and record, the boundary on every role and the tags', async () => {
    // The landing zone's boundary: the platform team's policy, in the account before anything is bootstrapped.
    const iam = new IAMClient(moto.client(REGION));
    await iam.send(new CreatePolicyCommand({
      PolicyName: BOUNDARY,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    })).catch((error) => { if (error.name !== 'EntityAlreadyExistsException') throw error; });
    const repo = generate('orders-app', 'alb-lambda', ['--preset', landingZonePreset()]);
    // The repo follows the preset: its values stay there, and reach the config the constructs read.
    const projenrc = fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf-8');
    expect(projenrc).toContain("preset: '@acme/hybrid-preset',");
    expect(projenrc).not.toContain(BOUNDARY);
    expect(fs.readFileSync(path.join(repo, 'src', 'hybrid', 'config.ts'), 'utf-8')).toContain(`permissionsBoundary: '${BOUNDARY}'`);
    const bootstrapping = bootstrap(repo);
    expect(bootstrapping.output).toContain(`Environment aws://${MOTO_ACCOUNT}/${REGION} bootstrapped`);
    expect(bootstrapping.status).toBe(0);
    expect(await stackStatus('CDKToolkit')).toBe('CREATE_COMPLETE');

    const deployed = deploy(repo);
    expect(deployed.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(deployed.output).toMatch(/Published .*OrdersApp Template/);
    expect(deployed.output).toContain('Published PrivateApp/Handler/Code');
    expect(deployed.status).toBe(0);
    expect(await stackStatus('dev-OrdersApp')).toBe('CREATE_COMPLETE');

    // Every resource of the template, created; moto models all of them but a bucket policy and the CDK metadata.
    const resources = await stackResources('dev-OrdersApp');
    const created = resources.filter((resource) => resource.ResourceStatus === 'CREATE_COMPLETE')
      .map((resource) => `${resource.LogicalResourceId} ${resource.ResourceType}`);
    const expected = Object.entries(template(repo, 'OrdersApp').Resources)
      .filter(([, resource]) => !['AWS::S3::BucketPolicy', 'AWS::CDK::Metadata'].includes(resource.Type))
      .map(([id, resource]) => `${id} ${resource.Type}`);
    expect(expected.length).toBeGreaterThan(10);
    expect(created).toEqual(expect.arrayContaining(expected));

    // The function, with the code the CDK CLI published to the bootstrap bucket.
    const fn = await new LambdaClient(moto.client(REGION)).send(new GetFunctionCommand({
      FunctionName: physicalId(resources, 'AWS::Lambda::Function'),
    }));
    expect(fn.Configuration?.Runtime).toMatch(/^nodejs2[24]\.x$/);
    expect(fn.Configuration?.CodeSize).toBeGreaterThan(1000);
    // The internal load balancer, in the two subnets of the network.
    const { LoadBalancers } = await new ElasticLoadBalancingV2Client(moto.client(REGION)).send(new DescribeLoadBalancersCommand({
      LoadBalancerArns: [physicalId(resources, 'AWS::ElasticLoadBalancingV2::LoadBalancer')!],
    }));
    expect(LoadBalancers?.[0]).toMatchObject({ Scheme: 'internal', Type: 'application', VpcId: network.vpcId });
    expect(LoadBalancers?.[0].AvailabilityZones?.map((zone) => zone.SubnetId).sort()).toEqual([...network.subnetIds].sort());
    // The alias record for the domain in the private hosted zone, to that load balancer.
    const { ResourceRecordSets } = await new Route53Client(moto.client(REGION)).send(new ListResourceRecordSetsCommand({
      HostedZoneId: network.hostedZoneId,
    }));
    const record = ResourceRecordSets?.find((set) => set.Name === `${DOMAIN}.` && set.Type === 'A');
    expect(record?.AliasTarget?.DNSName?.toLowerCase()).toContain(LoadBalancers![0].DNSName!.toLowerCase());

    // The landing zone: every role, the app's and the bootstrap stack's, has the boundary; the resources the tags.
    const boundaryArn = `arn:aws:iam::${MOTO_ACCOUNT}:policy/${BOUNDARY}`;
    const tagList = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));
    const appRoles = resources.filter((r) => r.ResourceType === 'AWS::IAM::Role');
    const bootstrapRoles = (await stackResources('CDKToolkit')).filter((r) => r.ResourceType === 'AWS::IAM::Role');
    expect([appRoles.length, bootstrapRoles.length]).toEqual([1, 5]); // the function's; file and image publishing, lookup, deploy, execution
    for (const role of [...appRoles, ...bootstrapRoles]) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: role.PhysicalResourceId }));
      expect([role.LogicalResourceId, Role?.PermissionsBoundary?.PermissionsBoundaryArn]).toEqual([role.LogicalResourceId, boundaryArn]);
      // The app tags its resources itself; the bootstrap stack's tags reach its resources through CloudFormation's
      // stack tags, which moto does not propagate: they are checked on the stack.
      if (appRoles.includes(role)) expect(Role?.Tags).toEqual(expect.arrayContaining(tagList));
    }
    const toolkit = (await cloudFormation().send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))).Stacks?.[0];
    expect(toolkit?.Tags).toEqual(expect.arrayContaining(tagList));
    // moto's Lambda and ELBv2 drop the Tags of what its CloudFormation creates (its IAM keeps them, above): for the
    // function and the load balancer, the deployed template's tags are checked.
    for (const type of ['AWS::Lambda::Function', 'AWS::ElasticLoadBalancingV2::LoadBalancer']) {
      const deployedTemplate = Object.values(template(repo, 'OrdersApp').Resources).find((r) => r.Type === type) as any;
      expect([type, deployedTemplate.Properties.Tags]).toEqual([type, expect.arrayContaining(tagList)]);
    }
  });
});
