import { DefaultStackSynthesizer, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeCdkFunctions } from './acknowledge';
import { InternalAlb } from './internal-alb';
import { CorporateNetwork } from './network';
import { PrivateEndpoint } from './private-endpoint';

export interface FrontendProps {
  /** The VPC and subnets of the S3 endpoint. */
  readonly network: CorporateNetwork;
  /** The load balancer that serves the app under the API's host name. */
  readonly alb: InternalAlb;
  /** The app's host name: the listener rule forwards only requests for it. */
  readonly hostName: string;
  /** The built single-page app to deploy (`frontend/dist` of the generated repo, built by `npx projen frontend:build`). */
  readonly dist: string;
  /**
   * The listener rule priority of the app, after the API's `/api/*` rule.
   * @default 100
   */
  readonly priority?: number;
}

/**
 * The single-page app, served only inside the network under the API's host name: the ALB
 * forwards every non-API path to an S3 interface endpoint (no CloudFront, which is public;
 * no CORS, one host name). The bucket answers only requests that come through that endpoint.
 *
 * S3 finds the bucket by the Host header, so the listener rule rewrites the Host to the
 * bucket's regional name, and rewrites paths without a file extension (`/`, `/orders/42`)
 * to `/index.html`, so that deep links load the app.
 */
export class Frontend extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly endpoint: PrivateEndpoint;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: FrontendProps) {
    super(scope, id);
    const { network, alb } = props;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: alb.logBucket,
      serverAccessLogsPrefix: 'frontend-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.endpoint = new PrivateEndpoint(this, 'S3Endpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.S3,
      purpose: 'S3 endpoint of the frontend',
      network,
      alb,
      // Reading this app's files, nothing else: the endpoint cannot reach other buckets.
      policy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects('*')],
          principals: [new iam.AnyPrincipal()],
        })],
      }),
    });
    // Reads only through the app's endpoint; a fixed aws:SourceVpce keeps the policy non-public.
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
      principals: [new iam.AnyPrincipal()],
      conditions: { StringEquals: { 'aws:SourceVpce': this.endpoint.endpointId } },
    }));

    this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(props.dist)],
      destinationBucket: this.bucket,
      prune: true,
    });

    // S3 answers the health check (no bucket in the Host) with 307 or 405, or 403 where the
    // endpoint policy refuses it: it is up.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: network.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      targets: this.endpoint.ips!.map((ip) => new targets.IpTarget(ip)),
      healthCheck: { protocol: elbv2.Protocol.HTTPS, path: '/', healthyHttpCodes: '200,307,403,405' },
    });

    // An L1 rule: CDK's ListenerRule has no `transforms` (host-header-rewrite and url-rewrite, Oct 2025).
    new elbv2.CfnListenerRule(this, 'Rule', {
      listenerArn: alb.httpsListener.listenerArn,
      priority: props.priority ?? 100,
      conditions: [
        { field: 'host-header', hostHeaderConfig: { values: [props.hostName] } },
        { field: 'path-pattern', pathPatternConfig: { values: ['/*'] } },
      ],
      // Forward, after the sign-in when the app has one (a page: redirect to sign in).
      actions: alb.forward(this.targetGroup, 'pages').renderRuleActions(),
      transforms: [
        {
          type: 'host-header-rewrite',
          hostHeaderRewriteConfig: { rewrites: [{ regex: '.*', replace: this.bucket.bucketRegionalDomainName }] },
        },
        {
          // The app's routes have no file extension; its assets do.
          type: 'url-rewrite',
          urlRewriteConfig: { rewrites: [{ regex: '^/[^.]*$', replace: '/index.html' }] },
        },
      ],
    });

    this.acknowledgeDeployment();
  }

  /** What cdk-nag finds on CDK's BucketDeployment: its role's object wildcards, its managed policy, its runtime. */
  private acknowledgeDeployment(): void {
    // CDK grants its deployment function these wildcards, scoped to the asset bucket and this one.
    const stack = Stack.of(this);
    const bucketId = stack.resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId);
    // The asset bucket of the bootstrap qualifier in use (an EnvironmentStage sets a custom one).
    const qualifier: string = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const assets = `cdk-${qualifier}-assets-${stack.account}-${stack.region}`;
    // A literal partition when the stack's region is known (feature flag enablePartitionLiterals).
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const wildcards = [
      'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
      `Resource::arn:${partition}:s3:::${assets}/*`, `Resource::<${bucketId}.Arn>/*`,
    ];
    const role = this.deployment.handlerRole;
    for (const finding of wildcards) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason: 'CDK\'s BucketDeployment copies the built app from the asset bucket into this bucket; CDK grants ' +
          'it these object-level wildcards, scoped to those two buckets.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK\'s BucketDeployment function logs with the AWS managed basic execution role.',
    });
    acknowledgeCdkFunctions(this);
  }
}
