import { Fn } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { CorporateNetwork } from './network';
import { denyAll, lookUpEndpointDnsEntry, PrivateEndpoint } from './private-endpoint';
import { createPrivateRestApi, executeApiEndpointPolicy, invokeOnlyThrough } from './private-rest-api';

export interface ApigwPrivateDomainApiProps {
  /** The VPC and subnets of the endpoint; its corporate CIDRs are the only ones let in. */
  readonly network: CorporateNetwork;
  /** The function that answers every request. */
  readonly handler: lambda.IFunction;
  /** The host name users type: the private custom domain name. */
  readonly domain: string;
  /** The Route 53 hosted zone (usually private) that holds `domain`. */
  readonly hostedZoneId: string;
  /** The ACM certificate for `domain` (RSA 2048 or ECDSA P-256/P-384; imported and Private CA certificates work). */
  readonly certificateArn: string;
  /**
   * An `execute-api` endpoint the network team already has. It must not also serve a public custom domain name, and
   * its security group and policy (theirs) must admit the corporate network and this API.
   * @default - a new endpoint that admits HTTPS from the corporate CIDRs and lets through only this API and domain
   */
  readonly existingEndpointId?: string;
}

/**
 * Topology "API Gateway, private custom domain": the corporate network calls `domain`, which
 * resolves to an `execute-api` interface endpoint; API Gateway routes the call by its private
 * custom domain name to the private REST API, which invokes the handler. No load balancer.
 *
 * aws-cdk-lib has no L2 for private custom domain names (aws-cdk#33352), and its `DomainName`
 * with a PRIVATE endpoint fails (aws-cdk#32551): the domain, its base path mapping and its
 * access association are L1 resources (`DomainNameV2`, `BasePathMappingV2`,
 * `DomainNameAccessAssociation`). A caller needs three policies to allow it: the domain's
 * (this endpoint only), the API's (this endpoint only) and the endpoint's (this app only).
 */
export class ApigwPrivateDomainApi extends Construct {
  /** The endpoint the corporate network calls through. */
  public readonly endpoint: ec2.IInterfaceVpcEndpoint;
  /** The private REST API. */
  public readonly restApi: apigw.RestApi;
  /** The private custom domain name (`domain`). */
  public readonly domainName: apigw.CfnDomainNameV2;
  /** The alias record of `domain` to the endpoint. */
  public readonly record: route53.ARecord;

  constructor(scope: Construct, id: string, props: ApigwPrivateDomainApiProps) {
    super(scope, id);
    const { network, handler } = props;

    // A new endpoint lets nothing through until its policy names the API and the domain (below).
    const created = props.existingEndpointId ? undefined : new PrivateEndpoint(this, 'Endpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.APIGATEWAY,
      purpose: 'execute-api endpoint',
      network,
      policy: denyAll(),
    });
    const endpointId = created?.endpointId ?? props.existingEndpointId!;
    const dnsEntry = created ? regionalDnsEntry(created) : lookUpEndpointDnsEntry(this, 'DescribeEndpoint', endpointId);
    this.endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(this, 'EndpointRef', {
      vpcEndpointId: endpointId,
      port: 443,
    });

    this.restApi = createPrivateRestApi(this, {
      domain: props.domain,
      endpoint: this.endpoint,
      handler,
      trafficPath: 'through the app\'s execute-api endpoint',
    });

    // A new private domain name starts with a deny-all policy: invoke only through this endpoint.
    this.domainName = new apigw.CfnDomainNameV2(this, 'DomainName', {
      domainName: props.domain,
      certificateArn: props.certificateArn,
      endpointConfiguration: { types: ['PRIVATE'] },
      // The only policy private custom domain names support.
      securityPolicy: 'TLS_1_2',
      policy: invokeOnlyThrough(endpointId).toJSON(),
    });

    // Every path of the domain to the stage (no base path: `https://<domain>/api/...`).
    new apigw.CfnBasePathMappingV2(this, 'BasePathMapping', {
      domainNameArn: this.domainName.attrDomainNameArn,
      restApiId: this.restApi.restApiId,
      stage: this.restApi.deploymentStage.stageName,
    });

    // Lets the endpoint serve the domain. Like the mapping, it takes about 15 minutes to be ready.
    new apigw.CfnDomainNameAccessAssociation(this, 'AccessAssociation', {
      accessAssociationSource: endpointId,
      accessAssociationSourceType: 'VPCE',
      domainNameArn: this.domainName.attrDomainNameArn,
    });

    // Once the API and the domain exist: the endpoint lets through invoking these two only. An existing endpoint's
    // policy is its owners'.
    created?.setPolicyAtDeploy(executeApiEndpointPolicy(this.restApi, { name: props.domain, id: this.domainName.attrDomainNameId }));

    // `domain` resolves to the endpoint's regional name, in the (private) hosted zone.
    this.record = new route53.ARecord(this, 'Alias', {
      zone: route53.HostedZone.fromHostedZoneId(this, 'Zone', props.hostedZoneId),
      // The trailing dot makes the name absolute, so the zone's name is not needed at synth.
      recordName: `${props.domain}.`,
      target: route53.RecordTarget.fromAlias({ bind: () => dnsEntry }),
    });
  }
}

/** A new endpoint's regional DNS name and its hosted zone: `DnsEntries` are `ZONEID:name`, the first the regional one. */
function regionalDnsEntry(endpoint: PrivateEndpoint): { dnsName: string; hostedZoneId: string } {
  const regional = Fn.split(':', Fn.select(0, endpoint.resource.attrDnsEntries));
  return { hostedZoneId: Fn.select(0, regional), dnsName: Fn.select(1, regional) };
}
