import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InternalAlb } from './internal-alb';
import { CorporateNetwork } from './network';
import { denyAll, lookUpEndpointInterfaces, lookUpEndpointIps, PrivateEndpoint } from './private-endpoint';
import { createPrivateRestApi, executeApiEndpointPolicy } from './private-rest-api';

export interface ApigwVpceApiProps {
  /** The VPC and subnets of the endpoint. */
  readonly network: CorporateNetwork;
  /** The load balancer that forwards to the endpoint: the only client it admits. */
  readonly alb: InternalAlb;
  /** The function that answers every request. */
  readonly handler: lambda.IFunction;
  /** The host name users type: the API's custom domain (API Gateway routes by the Host the ALB passes on). */
  readonly domain: string;
  /** The ACM certificate for `domain`. */
  readonly certificateArn: string;
  /**
   * An `execute-api` endpoint the network team already has, in the network's subnets. Its security group and policy
   * are theirs: the group must admit HTTPS from the load balancer's; the policy is left alone.
   * @default - a new endpoint, which lets through only invoking this API
   */
  readonly existingEndpointId?: string;
}

/**
 * Topology "API Gateway via VPC endpoint": internal ALB → `execute-api` interface endpoint →
 * private REST API → Lambda. Three traps of the usual write-ups are avoided by construction:
 * the endpoint has private DNS off (on, it breaks every call from the VPC to public APIs),
 * the resource policy matches `aws:SourceVpce` against the endpoint id (never a VPC id), and
 * the ALB's targets are the endpoint's IPs, looked up at deploy time.
 */
export class ApigwVpceApi extends Construct {
  /** The endpoint API Gateway receives the calls through. */
  public readonly endpoint: ec2.IInterfaceVpcEndpoint;
  /** The private REST API. */
  public readonly restApi: apigw.RestApi;
  /** The target group of the endpoint's IPs, for the load balancer's listener. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ApigwVpceApiProps) {
    super(scope, id);
    const { network, alb, handler } = props;

    // An endpoint the app creates lets nothing through until its policy names the API (below).
    const created = props.existingEndpointId ? undefined : new PrivateEndpoint(this, 'Endpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      purpose: 'execute-api endpoint',
      network,
      alb,
      policy: denyAll(),
    });
    const endpointIps: EndpointIps = created
      ? { endpointId: created.endpointId, ips: created.ips! }
      : this.useExistingEndpoint(props.existingEndpointId!, network, alb);
    this.endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(this, 'EndpointRef', {
      vpcEndpointId: endpointIps.endpointId,
      port: 443,
    });

    this.restApi = createPrivateRestApi(this, {
      domain: props.domain,
      endpoint: this.endpoint,
      handler,
      trafficPath: 'through the internal ALB',
      signedInAtLoadBalancer: alb.signIn !== undefined,
    });
    // Once the API exists: the endpoint lets through invoking this API only. An existing
    // endpoint's policy is its owners'.
    created?.setPolicyAtDeploy(executeApiEndpointPolicy(this.restApi));

    // API Gateway routes a call that arrives through the endpoint by its Host header: the ALB
    // forwards the client's Host, so the API needs a custom domain of that very name.
    const domain = new apigw.DomainName(this, 'Domain', {
      domainName: props.domain,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    domain.addBasePathMapping(this.restApi, { stage: this.restApi.deploymentStage });

    // API Gateway answers the health check (no Host of the API) with 403: any answer means
    // the endpoint is up.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: network.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      targets: endpointIps.ips.map((ip) => new targets.IpTarget(ip)),
      healthCheck: { protocol: elbv2.Protocol.HTTPS, path: '/', healthyHttpCodes: '200-499' },
    });
  }

  /**
   * An endpoint the network team already has, in the app's subnets. Its security group is
   * theirs: it must admit HTTPS from the load balancer's group. The load balancer may send
   * HTTPS to the endpoint's addresses only.
   */
  private useExistingEndpoint(endpointId: string, network: CorporateNetwork, alb: InternalAlb): EndpointIps {
    const count = network.subnets.length;
    const interfaces = lookUpEndpointInterfaces(this, 'DescribeEndpoint', endpointId, count);
    const ips = lookUpEndpointIps(this, 'EndpointIps', interfaces, count);
    for (const ip of ips) {
      alb.securityGroup.addEgressRule(ec2.Peer.ipv4(`${ip}/32`), ec2.Port.tcp(443), 'HTTPS to the execute-api endpoint');
    }
    return { endpointId, ips };
  }
}

/** An endpoint's id and private IPs. */
interface EndpointIps {
  readonly endpointId: string;
  readonly ips: string[];
}
