import { Annotations, Fn, IResolveContext, Lazy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface CorporateNetworkProps {
  /** The VPC that the corporate network reaches over VPN or Direct Connect. */
  readonly vpcId: string;
  /** Private subnets of that VPC, in different availability zones. */
  readonly subnetIds: readonly string[];
  /** The on-premises ranges (IPv4 or IPv6 CIDRs) allowed in. */
  readonly corporateCidrs: readonly string[];
}

/**
 * The existing VPC that the corporate network reaches over VPN or Direct Connect.
 *
 * Imported by id, never looked up, so `cdk synth` needs no AWS credentials. A `HybridConfig` is
 * a `CorporateNetworkProps`.
 */
export class CorporateNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The private subnets for the load balancer and endpoints. */
  public readonly subnets: ec2.ISubnet[];
  /** The on-premises ranges allowed in, as security group peers. */
  public readonly corporatePeers: ec2.IPeer[];

  constructor(scope: Construct, id: string, props: CorporateNetworkProps) {
    super(scope, id);
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId,
      availabilityZones: Fn.getAzs(),
    });
    Annotations.of(this.vpc).acknowledgeWarning('@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
      'Only the VPC id is used: every construct here is given its subnets explicitly.');
    this.subnets = props.subnetIds.map((subnetId) => {
      const subnet = ec2.Subnet.fromSubnetId(this, subnetId, subnetId);
      Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'Routing is the network team\'s: nothing here reads or changes route tables.');
      return subnet;
    });
    this.corporatePeers = props.corporateCidrs.map(peerOf);
  }
}

/** An IPv4 or IPv6 CIDR as a security group peer. */
export function peerOf(cidr: string): ec2.IPeer {
  return cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}

/** A rule that matches no packet: what CDK writes for a group that may send nowhere. */
const NO_TRAFFIC: ec2.CfnSecurityGroup.EgressProperty = {
  cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86,
};

/**
 * A security group that may send only where its rules say. EC2 gives a group without inline egress rules its default
 * rule, all traffic to anywhere, and a rule to another security group is a resource of its own
 * (`AWS::EC2::SecurityGroupEgress`), which CDK does not count: without this, a load balancer with only such rules
 * could send anywhere. The group keeps the rule that matches nothing whenever it has no inline rule.
 */
export function sendOnlyAsRuled(group: ec2.SecurityGroup): ec2.SecurityGroup {
  const resource = group.node.defaultChild as ec2.CfnSecurityGroup;
  const inline = resource.securityGroupEgress;
  resource.securityGroupEgress = Lazy.uncachedAny({
    produce: (context: IResolveContext) => {
      const rules: unknown = context.resolve(inline);
      return Array.isArray(rules) && rules.length > 0 ? rules : [NO_TRAFFIC];
    },
  });
  return group;
}
