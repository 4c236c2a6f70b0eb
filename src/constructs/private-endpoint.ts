import { Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeCdkFunctions, acknowledgePackRules } from './acknowledge';
import { InternalAlb } from './internal-alb';
import { CorporateNetwork, sendOnlyAsRuled } from './network';

export interface PrivateEndpointProps {
  /** The AWS service, e.g. `ec2.InterfaceVpcEndpointAwsService.APIGATEWAY`. */
  readonly service: ec2.IInterfaceVpcEndpointService;
  /** What the endpoint is for, in security group descriptions. */
  readonly purpose: string;
  /** The VPC and subnets of the endpoint. */
  readonly network: CorporateNetwork;
  /**
   * The load balancer that forwards to the endpoint: then it is the only client the endpoint admits, and the
   * endpoint's private IPs are looked up at deploy time as its targets (`ips`).
   * @default - the corporate network calls the endpoint directly: HTTPS from its CIDRs only
   */
  readonly alb?: InternalAlb;
  /**
   * What may pass through the endpoint: only this app's bucket, or `denyAll()` until
   * `setPolicyAtDeploy` names this app's API.
   */
  readonly policy: iam.PolicyDocument;
}

/**
 * An interface VPC endpoint with private DNS off and an endpoint policy that lets through only
 * what this app serves. Behind a load balancer (`alb`), only the load balancer reaches it (HTTPS in
 * from the ALB's security group, HTTPS out from the ALB to it only), and its private IPs are looked
 * up at deploy time, one per subnet, as the ALB's IP targets; without one, the corporate network
 * reaches it directly (HTTPS in from the corporate CIDRs only).
 */
export class PrivateEndpoint extends Construct {
  /** The endpoint's id (`vpce-…`). */
  public readonly endpointId: string;
  /** The endpoint resource (its `attrDnsEntries` hold the regional DNS name). */
  public readonly resource: ec2.CfnVPCEndpoint;
  /** The endpoint's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Behind a load balancer: the endpoint's private IPs, one per subnet, known at deploy time. */
  public readonly ips?: string[];

  constructor(scope: Construct, id: string, props: PrivateEndpointProps) {
    super(scope, id);
    const { network, alb } = props;
    this.securityGroup = sendOnlyAsRuled(new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: `${props.purpose}: HTTPS from the ${alb ? 'internal ALB' : 'corporate network'} only`,
      allowAllOutbound: false,
    }));
    if (alb) {
      this.securityGroup.addIngressRule(alb.securityGroup, ec2.Port.tcp(443), 'HTTPS from the internal ALB');
      alb.securityGroup.addEgressRule(this.securityGroup, ec2.Port.tcp(443), `HTTPS to the ${props.purpose}`);
    } else {
      for (const peer of network.corporatePeers) {
        this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from the corporate network');
      }
    }

    // An L1 resource: CDK's InterfaceVpcEndpoint needs the subnets' availability zones,
    // which imported subnet ids do not carry. Private DNS stays off: clients reach the app by
    // its own name, and private DNS on would redirect the whole VPC's calls to the service.
    const endpoint = new ec2.CfnVPCEndpoint(this, 'Resource', {
      vpcId: network.vpc.vpcId,
      serviceName: props.service.name,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: false,
      subnetIds: network.subnets.map((subnet) => subnet.subnetId),
      securityGroupIds: [this.securityGroup.securityGroupId],
      policyDocument: props.policy,
    });
    this.resource = endpoint;
    this.endpointId = endpoint.ref;
    if (alb) this.ips = lookUpEndpointIps(this, 'Ips', endpoint.attrNetworkInterfaceIds, network.subnets.length);
  }

  /**
   * Replaces the endpoint's policy at deploy time, once the resources it names exist: for a
   * policy naming resources that name the endpoint back (a private API's `aws:SourceVpce`),
   * which the endpoint's own `PolicyDocument` cannot name, as that is a circular dependency
   * CloudFormation refuses. Runs on create and whenever the policy changes (a new API id);
   * deleting it changes nothing, as the endpoint goes with it.
   */
  public setPolicyAtDeploy(policy: iam.PolicyDocument): cr.AwsCustomResource {
    const stack = Stack.of(this);
    const setPolicy = new cr.AwsCustomResource(this, 'Policy', {
      onUpdate: {
        service: 'EC2',
        action: 'modifyVpcEndpoint',
        parameters: { VpcEndpointId: this.endpointId, PolicyDocument: stack.toJsonString(policy) },
        physicalResourceId: cr.PhysicalResourceId.of(this.endpointId),
      },
      // This endpoint only: the action takes the endpoint's ARN.
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['ec2:ModifyVpcEndpoint'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'vpc-endpoint', resourceName: this.endpointId })],
      })]),
      ...CUSTOM_RESOURCE_FUNCTION,
    });
    acknowledgePackRules('custom-resource-policies', [setPolicy.node.findChild('CustomResourcePolicy').node.defaultChild!]);
    acknowledgeCdkFunctions(setPolicy);
    return setPolicy;
  }
}

/**
 * How aws-cdk-lib's function behind every AwsCustomResource here runs (the first one in a stack sets it): with the AWS
 * SDK of its runtime, and an explicit memory size (cdk-nag's Serverless pack asks for one; CPU grows with memory, and
 * it runs a few times per deployment only).
 */
const CUSTOM_RESOURCE_FUNCTION = { installLatestAwsSdk: false, memorySize: 256 } as const;

/**
 * An endpoint policy that lets nothing through: the first state of an endpoint whose policy
 * `setPolicyAtDeploy` sets, so that nothing passes before that policy is in place (and nothing
 * if CloudFormation ever put this one back).
 */
export function denyAll(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ['*'],
      resources: ['*'],
      principals: [new iam.AnyPrincipal()],
    })],
  });
}

/**
 * A list as one string per entry. A list token in a custom resource's JSON is written by CDK's CfnUtils provider, a
 * function and role of its own that CDK adds while it writes the template: too late for the stage's aspects (the
 * permissions boundary among them), and one more function to deploy.
 */
function oneStringEach(list: string[], count: number): string[] {
  return Token.isUnresolved(list) ? Array.from({ length: count }, (_, i) => Fn.select(i, list)) : list;
}

/**
 * An EC2 describe call made at deploy time (an `AwsCustomResource`), and the fields of its answer that `fields`
 * names, in that order: each is one of the call's output paths.
 */
function lookUp(scope: Construct, id: string, call: Pick<cr.AwsSdkCall, 'action' | 'parameters' | 'physicalResourceId'>,
  fields: string[]): string[] {
  const lookup = new cr.AwsCustomResource(scope, id, {
    onUpdate: { service: 'EC2', ...call, outputPaths: fields },
    policy: describePolicy(),
    ...CUSTOM_RESOURCE_FUNCTION,
  });
  acknowledgeLookup(lookup);
  return fields.map((field) => lookup.getResponseField(field));
}

/**
 * The private IPs of an endpoint's network interfaces, one per subnet, looked up at deploy
 * time with `ec2:DescribeNetworkInterfaces`: nobody types them in.
 */
export function lookUpEndpointIps(scope: Construct, id: string, networkInterfaceIds: string[], count: number): string[] {
  return lookUp(scope, id, {
    action: 'describeNetworkInterfaces',
    parameters: { NetworkInterfaceIds: oneStringEach(networkInterfaceIds, count) },
    physicalResourceId: cr.PhysicalResourceId.fromResponse('NetworkInterfaces.0.NetworkInterfaceId'),
  }, Array.from({ length: count }, (_, i) => `NetworkInterfaces.${i}.PrivateIpAddress`));
}

/** `ec2:DescribeVpcEndpoints` of an existing endpoint, at deploy time. */
const describeEndpoint = (endpointId: string) => ({
  action: 'describeVpcEndpoints',
  parameters: { VpcEndpointIds: [endpointId] },
  physicalResourceId: cr.PhysicalResourceId.of(endpointId),
});

/** The network interfaces of an existing endpoint, looked up at deploy time. */
export function lookUpEndpointInterfaces(scope: Construct, id: string, endpointId: string, count: number): string[] {
  return lookUp(scope, id, describeEndpoint(endpointId), Array.from({ length: count }, (_, i) => `VpcEndpoints.0.NetworkInterfaceIds.${i}`));
}

/** The regional DNS name of an existing endpoint and its hosted zone, looked up at deploy time. */
export function lookUpEndpointDnsEntry(scope: Construct, id: string, endpointId: string): { dnsName: string; hostedZoneId: string } {
  // The first entry is the regional name; the others name one availability zone each.
  const [dnsName, hostedZoneId] = lookUp(scope, id, describeEndpoint(endpointId),
    ['VpcEndpoints.0.DnsEntries.0.DnsName', 'VpcEndpoints.0.DnsEntries.0.HostedZoneId']);
  return { dnsName, hostedZoneId };
}

/** ec2:DescribeNetworkInterfaces and ec2:DescribeVpcEndpoints support no resource-level permissions. */
function describePolicy(): cr.AwsCustomResourcePolicy {
  return cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints'],
    resources: ['*'],
  })]);
}

/** Acknowledges what cdk-nag finds on a deploy-time lookup and on CDK's provider function behind it. */
function acknowledgeLookup(lookup: cr.AwsCustomResource): void {
  const policy = lookup.node.tryFindChild('CustomResourcePolicy');
  if (policy) {
    acknowledgePackRules('custom-resource-policies', [policy.node.defaultChild!]);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeVpcEndpoints support no resource-level permissions; ' +
        'the policy allows only these two read-only actions.',
    });
  }
  acknowledgeCdkFunctions(lookup);
}
