import { Duration, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MachineAuth, machineClaims, OidcAuth } from './config';
import { CorporateNetwork, peerOf, sendOnlyAsRuled } from './network';

export interface InternalAlbProps {
  /** The VPC and subnets to place the load balancer in; its corporate CIDRs are the only ones let in. */
  readonly network: CorporateNetwork;
  /** The host name users type: the alias record's name. */
  readonly domain: string;
  /** The Route 53 hosted zone (usually private) that holds `domain`. */
  readonly hostedZoneId: string;
  /** The ACM certificate for `domain`, in the stack's region. */
  readonly certificateArn: string;
  /**
   * Sign users in with the company's identity provider before forwarding (`forward`).
   * @default - no sign-in
   */
  readonly signIn?: OidcAuth;
  /**
   * Deletion protection (a production environment).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * The HTTPS listener's TLS policy. CDK writes none unless given one, and the AWS default is then a 2016 policy.
   * @default elbv2.SslPolicy.RECOMMENDED_TLS (TLS 1.3 and 1.2)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
}

/** Who sends the requests a listener rule forwards: scripts calling the API, or people opening pages. */
export type Callers = 'api' | 'pages';

/** The description of the load balancer's egress to the identity provider, for sign-in. */
export const SIGN_IN_EGRESS = 'HTTPS to the identity provider (sign-in)';
/** The description of its egress to the machine callers' JWKS endpoint. */
export const MACHINE_EGRESS = 'HTTPS to the JWKS endpoint (machine callers)';
/** The condition that tells a machine caller: a bearer token (header values compare case-insensitively, `*` a wildcard). */
export const BEARER_HEADER = { name: 'Authorization', values: ['Bearer *'] } as const;

/**
 * An internal Application Load Balancer for `domain`: HTTPS only (TLS 1.3 policy, port 80
 * redirects), reachable only from the corporate CIDRs, invalid headers dropped, with access
 * logs and an alias record in the hosted zone. Topologies attach their targets to
 * `httpsListener`, through `forward`: with `signIn`, users sign in with the identity provider first.
 */
export class InternalAlb extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly httpsListener: elbv2.ApplicationListener;
  /** Receives the load balancer's access logs (and the frontend bucket's server access logs). */
  public readonly logBucket: s3.Bucket;
  /** The sign-in `forward` puts before each forward, if any. */
  public readonly signIn?: OidcAuth;
  /** The machine callers' provider, whose tokens `forwardMachineCallers` has verified, if any. */
  public readonly machine?: MachineAuth;

  constructor(scope: Construct, id: string, props: InternalAlbProps) {
    super(scope, id);
    const { network, domain } = props;
    this.signIn = props.signIn;
    this.machine = props.signIn?.machine;

    // Ingress only from the corporate network; egress is opened per target by the topology, to it alone.
    this.securityGroup = sendOnlyAsRuled(new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: network.vpc,
      description: `Internal ALB for ${domain}: HTTPS from the corporate network`,
      allowAllOutbound: false,
    }));
    for (const peer of network.corporatePeers) {
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from the corporate network');
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP from the corporate network (redirected)');
    }

    // Sign-in: the load balancer calls the provider's token and user info endpoints itself, on 443 only.
    for (const cidr of props.signIn?.providerCidrs ?? []) {
      this.securityGroup.addEgressRule(peerOf(cidr), ec2.Port.tcp(443), SIGN_IN_EGRESS);
    }
    // Machine callers: the load balancer fetches the provider's key set itself, on 443 only (a rule the sign-in's
    // already holds for the same CIDR is not added twice).
    for (const cidr of this.machine?.jwksCidrs ?? []) {
      this.securityGroup.addEgressRule(peerOf(cidr), ec2.Port.tcp(443), MACHINE_EGRESS);
    }

    // ALB log delivery supports SSE-S3 (AES256) only, not KMS. Versioned, so that an audit log overwritten or
    // deleted can be recovered for 90 days; logs expire after a year.
    this.logBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{
        expiration: Duration.days(365),
        noncurrentVersionExpiration: Duration.days(90),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket is the access log destination; logging it to itself would loop. It is private, ' +
        'TLS-only and written only by the log delivery services.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: network.vpc,
      vpcSubnets: { subnets: network.subnets },
      internetFacing: false,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    this.loadBalancer.logAccessLogs(this.logBucket, 'alb');

    // `open: false`: CDK would otherwise allow 0.0.0.0/0 on the listener port.
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });

    new route53.ARecord(this, 'Alias', {
      zone: route53.HostedZone.fromHostedZoneId(this, 'Zone', props.hostedZoneId),
      // The trailing dot makes the name absolute, so the zone's name is not needed at synth.
      recordName: `${domain}.`,
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
    });
  }

  /**
   * A rule for machine callers, ahead of the sign-in's (a lower `priority`): requests that match `conditions` and
   * carry `Authorization: Bearer …` go through the load balancer's JWT verification (RS256 signature with the
   * provider's key set, `iss`, `exp`, `nbf` and `iat` when present, the audience and claims), then to `targetGroup`;
   * a bad or expired token gets 401 from the load balancer. Everything else keeps the browser sign-in.
   */
  public forwardMachineCallers(id: string, targetGroup: elbv2.IApplicationTargetGroup,
    options: { readonly priority: number; readonly conditions: elbv2.ListenerCondition[] }): elbv2.ApplicationListenerRule {
    const machine = this.machine;
    if (!machine) throw new Error('forwardMachineCallers needs auth.machine in the environment\'s sign-in.');
    const rule = new elbv2.ApplicationListenerRule(this, id, {
      listener: this.httpsListener,
      priority: options.priority,
      conditions: [...options.conditions, elbv2.ListenerCondition.httpHeader(BEARER_HEADER.name, [...BEARER_HEADER.values])],
      action: elbv2.ListenerAction.authenticateJwt({
        issuer: machine.issuer,
        jwksEndpoint: machine.jwksEndpoint,
        next: elbv2.ListenerAction.forward([targetGroup]),
      }),
    });
    // An escape hatch: CDK's authenticateJwt has no additional claims (aws-cdk-lib 2.278); the audience is one.
    const claims = machineClaims(machine);
    if (claims.length > 0) {
      (rule.node.defaultChild as elbv2.CfnListenerRule).addPropertyOverride('Actions.0.JwtValidationConfig.AdditionalClaims',
        claims.map((claim) => ({ Format: claim.format, Name: claim.name, Values: claim.values })));
    }
    return rule;
  }

  /**
   * The action for a listener rule: forward to `targetGroup`, after the sign-in when `signIn` is
   * set. A call to the API without a session gets 401 (a script cannot follow a sign-in
   * redirect); a page redirects to the provider's sign-in and back.
   */
  public forward(targetGroup: elbv2.IApplicationTargetGroup, callers: Callers): elbv2.ListenerAction {
    const forward = elbv2.ListenerAction.forward([targetGroup]);
    const auth = this.signIn;
    if (!auth) return forward;
    return elbv2.ListenerAction.authenticateOidc({
      issuer: auth.issuer,
      authorizationEndpoint: auth.authorizationEndpoint,
      tokenEndpoint: auth.tokenEndpoint,
      userInfoEndpoint: auth.userInfoEndpoint,
      clientId: auth.clientId,
      // A dynamic reference: CloudFormation reads the secret at deploy; it is never in the template.
      clientSecret: SecretValue.secretsManager(auth.clientSecret),
      scope: auth.scope,
      sessionTimeout: Duration.seconds(auth.sessionTimeout),
      onUnauthenticatedRequest: callers === 'api' ? elbv2.UnauthenticatedAction.DENY : elbv2.UnauthenticatedAction.AUTHENTICATE,
      // The egress to the provider is opened above, to its CIDRs only (CDK would open 443 to anywhere).
      allowHttpsOutbound: false,
      next: forward,
    });
  }
}
