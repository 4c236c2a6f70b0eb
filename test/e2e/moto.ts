import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateHostedZoneCommand, DeleteHostedZoneCommand, Route53Client, VPCRegion } from '@aws-sdk/client-route-53';
import { freePort, freshDir } from './util';

/** The account moto answers as, for any credentials. */
export const MOTO_ACCOUNT = '123456789012';

/** moto_server, the stand-in for AWS, on 127.0.0.1 only (moto 5). */
export interface Moto {
  /** `http://127.0.0.1:PORT`: one endpoint for every service. */
  readonly endpoint: string;
  /** The settings an AWS SDK client needs to talk to it, in `region`. */
  client(region: string): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /**
   * What the AWS CLI, the CDK CLI and the SDKs need to talk to it, as environment variables: fake credentials, the
   * endpoint, and a private home for ~/.aws and ~/.cdk, so that nothing of the machine's own AWS setup is used.
   */
  env(region: string): Record<string, string>;
  /** What moto printed so far: its tracebacks say what it does not model. */
  log(): string;
  /** Ends moto_server and everything in its process group; waits at most 5 s for it. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startMoto(): Promise<Moto> {
  const dir = freshDir('chs-moto-');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'moto.log');
  const out = fs.openSync(logFile, 'a');
  // In its own process group (detached): stop() signals the group, so no process of moto's is left behind.
  const server = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exit: string | undefined;
  server.on('exit', (code, signal) => { exit = `exited ${code ?? signal}`; });
  server.on('error', (error) => { exit = error.message; });
  const log = () => fs.readFileSync(logFile, 'utf-8');
  const signalGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-server.pid!, signal);
      return true;
    } catch {
      return false; // no such group: ended already
    }
  };
  const stop = async () => {
    if (server.pid === undefined || !signalGroup('SIGTERM')) return;
    for (let i = 0; i < 50 && signalGroup(0); i++) await sleep(100);
    signalGroup('SIGKILL');
  };
  try {
    for (let i = 0; ; i++) {
      if (exit !== undefined) throw new Error(`moto_server ${exit}:\n${log()}`);
      try {
        if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
      } catch { /* not listening yet */ }
      if (i > 300) throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${log()}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const home = freshDir('chs-aws-home-');
  return {
    endpoint,
    client: (region) => ({ region, endpoint, credentials }),
    env: (region) => ({
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: path.join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
      // Every SDK client of the CDK CLI, of its asset publishing and of the AWS CLI goes to moto.
      AWS_ENDPOINT_URL: endpoint,
      // moto's CloudFormation fetches templates and Lambda code from S3 itself, by the URL the CDK CLI gives it; with
      // 127.0.0.1 in that URL it takes "127" for the bucket (virtual-hosted style). A host name keeps it path style.
      AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `http://localhost:${port}`,
      // The CDK CLI caches the account behind an access key in ~/.cdk: "testing" may be cached for another account.
      CDK_HOME: path.join(home, '.cdk'),
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    }),
    log,
    stop,
  };
}

/** What a platform team already has in an account, and a generated repo is given the ids of. */
export interface CorporateNetwork {
  readonly vpcId: string;
  /** Two, in two availability zones. */
  readonly subnetIds: string[];
  /** A private hosted zone for the parent domain of `domain`, associated with the VPC. */
  readonly hostedZoneId: string;
  /** An ACM certificate for `domain`. */
  readonly certificateArn: string;
}

/** Creates the VPC, subnets, private hosted zone and certificate that a generated repo expects to exist. */
export async function createCorporateNetwork(moto: Moto, region: string, domain: string): Promise<CorporateNetwork> {
  const ec2 = new EC2Client(moto.client(region));
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
  const subnetIds: string[] = [];
  for (const [index, zone] of ['a', 'b'].entries()) {
    const { Subnet } = await ec2.send(new CreateSubnetCommand({
      VpcId: Vpc!.VpcId, CidrBlock: `10.40.${index}.0/24`, AvailabilityZone: `${region}${zone}`,
    }));
    subnetIds.push(Subnet!.SubnetId!);
  }
  const hostedZoneId = await createHostedZone(new Route53Client(moto.client(region)), region, Vpc!.VpcId!,
    domain.split('.').slice(1).join('.'));
  const { CertificateArn } = await new ACMClient(moto.client(region)).send(new RequestCertificateCommand({
    DomainName: domain, ValidationMethod: 'DNS',
  }));
  return { vpcId: Vpc!.VpcId!, subnetIds, hostedZoneId, certificateArn: CertificateArn! };
}

/**
 * Real hosted zone ids start with "Z", and the CLI checks that; moto draws all 22 characters at random from A-Z0-9.
 * Zones are created (and the others deleted) until one starts with "Z": 1 in 36, so 36 tries on average.
 */
async function createHostedZone(route53: Route53Client, region: string, vpcId: string, name: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const { HostedZone } = await route53.send(new CreateHostedZoneCommand({
      Name: name,
      CallerReference: `deploy-rehearsal-${i}`,
      VPC: { VPCRegion: region as VPCRegion, VPCId: vpcId },
      HostedZoneConfig: { PrivateZone: true },
    }));
    const id = HostedZone!.Id!.replace('/hostedzone/', '');
    if (id.startsWith('Z')) return id;
    await route53.send(new DeleteHostedZoneCommand({ Id: id }));
  }
  throw new Error('moto gave no hosted zone id starting with "Z" in 1000 tries');
}
