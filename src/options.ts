import { HybridServerlessAppBaseOptions } from './base-options.generated';

/**
 * How requests from the corporate network reach the Lambda handlers.
 */
export enum Topology {
  /**
   * Internal ALB → `execute-api` interface VPC endpoint → private API Gateway REST API → Lambda.
   * Brings API Gateway's throttling, request validation, usage plans and authorizers.
   */
  APIGW_VPCE = 'apigw-vpce',

  /**
   * Internal ALB → Lambda target group. Simpler, cheaper and one hop shorter.
   */
  ALB_LAMBDA = 'alb-lambda',

  /**
   * `execute-api` interface VPC endpoint → private API Gateway REST API under a private custom
   * domain name, no load balancer. API Gateway's features for the cost of an endpoint; API only.
   */
  APIGW_PRIVATE_DOMAIN = 'apigw-private-domain',
}

/**
 * The choices that shape a hybrid serverless app: topology, frontend, domain and network.
 *
 * Every field has a default, so `projen new --from create-hybrid-serverless` and
 * `create-hybrid-serverless --yes` work without arguments; the defaults are placeholders
 * that synthesize offline and must be replaced before `cdk deploy`.
 */
export interface HybridServerlessSettings {
  /**
   * How requests reach the handlers.
   * @default Topology.ALB_LAMBDA
   * @featured
   */
  readonly topology?: Topology;

  /**
   * Serve a single-page app under the same host name as the API (`/` and `/api/...`).
   * @default false
   * @featured
   */
  readonly frontend?: boolean;

  /**
   * Host name users type, e.g. `myapp.internal.example.com` (the default is a placeholder).
   * @default "app.internal.example.com"
   * @featured
   */
  readonly domain?: string;

  /**
   * Route 53 hosted zone (usually private) that holds `domain` (the default is a placeholder).
   * @default "Z0123456789ABCDEFGHIJ"
   * @featured
   */
  readonly hostedZoneId?: string;

  /**
   * ACM certificate for `domain`, in `region` (the default is a placeholder).
   * @default - a placeholder ARN in `account` and `region`
   * @featured
   */
  readonly certificateArn?: string;

  /**
   * The VPC that the corporate network reaches over VPN or Direct Connect (the default is a placeholder).
   * @default "vpc-0123456789abcdef0"
   * @featured
   */
  readonly vpcId?: string;

  /**
   * Private subnets of `vpcId` for the load balancer and endpoints, at least two, in different
   * availability zones (the defaults are placeholders).
   * @default ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
   * @featured
   */
  readonly subnetIds?: string[];

  /**
   * On-premises ranges (IPv4 or IPv6 CIDR) allowed to reach the app. `0.0.0.0/0` and `::/0`
   * are refused: this is a private app.
   * @default ["10.0.0.0/8"]
   * @featured
   */
  readonly corporateCidrs?: string[];

  /**
   * An existing `execute-api` interface VPC endpoint to use (topologies `apigw-vpce` and
   * `apigw-private-domain`). It must be in `subnetIds`, and its security group must admit HTTPS
   * from the load balancer's security group (`apigw-vpce`) or the corporate CIDRs
   * (`apigw-private-domain`; never an endpoint that serves a public custom domain name).
   * @default - a new endpoint is created in `subnetIds`
   */
  readonly vpcEndpointId?: string;

  /**
   * Run the API function inside the VPC, in `subnetIds`, to reach systems on the corporate
   * network (a database, an internal API over Direct Connect). Each entry is a destination
   * its security group may send to, `cidr:port` or `cidr:from-to`, e.g. `10.20.0.0/16:5432`;
   * nothing else is allowed out. The subnets need a route to those ranges, and a NAT gateway
   * or interface endpoints for any AWS API the handler calls.
   * @default - the function runs outside the VPC
   */
  readonly handlerEgress?: string[];

  /**
   * Concurrent executions reserved for the API function: a guaranteed share of the account's
   * concurrency, and a ceiling that protects the systems it calls. Deployment fails if the
   * account's unreserved concurrency would drop below 100 (a new account's quota may be as
   * low as 10: ask for more before you reserve).
   * @default - no reservation: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;

  /**
   * This environment is production: the load balancer gets deletion protection (topologies
   * with a load balancer).
   * @default false
   * @featured
   */
  readonly production?: boolean;

  /**
   * AWS account to deploy to, 12 digits (the default is a placeholder).
   * @default "123456789012"
   * @featured
   */
  readonly account?: string;

  /**
   * AWS region to deploy to.
   * @default "eu-west-1"
   * @featured
   */
  readonly region?: string;

  /**
   * Sign users in with the company's identity provider (OpenID Connect) at the load balancer,
   * for every environment that does not set its own: pages redirect to the provider's sign-in,
   * `/api/*` calls without a session get 401. `false` or left out: no sign-in. Topologies with a
   * load balancer only (`alb-lambda`, `apigw-vpce`).
   * @default - no sign-in
   */
  readonly auth?: OidcAuthSettings | boolean;

  /**
   * The bootstrap qualifier of the account and region (`cdk bootstrap --qualifier`), for every
   * environment that does not set its own.
   * @default - CDK's default qualifier, `hnb659fds`
   */
  readonly qualifier?: string;

  /**
   * The IAM role the deploy workflow assumes, through GitHub's OIDC provider, for every
   * environment that does not set its own.
   * @default - the GitHub environment's secret `AWS_DEPLOY_ROLE_ARN`
   */
  readonly deployRoleArn?: string;

  /**
   * The permissions boundary every IAM role of the app gets (the team's own and those behind aws-cdk-lib's custom
   * resources), for every environment that does not set its own: a managed policy's name, or its ARN
   * (`arn:aws:iam::${AWS::AccountId}:policy/<name>` for each account's own). A landing zone that requires one on every
   * role refuses a deploy without it.
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;

  /**
   * Tags every taggable resource of the app carries (cost centre, owner, data class, …), for every environment that
   * does not set its own (an environment's tags replace these).
   * @default - no tags beyond what CDK adds
   */
  readonly tags?: { [key: string]: string };

  /**
   * cdk-nag packs checked beside AwsSolutions in every `cdk synth` and in the tests: `NIST80053R5Checks`,
   * `HIPAASecurityChecks`, `PCIDSS321Checks`, `ServerlessChecks`.
   * @default []
   */
  readonly nagPacks?: string[];

  /**
   * The npm registry the repo installs from (a company mirror such as Artifactory or Nexus), written to its
   * `.npmrc` as `registry=`. An https URL without credentials: the token stays in each user's own `~/.npmrc`.
   * @default - npm's own default registry
   */
  readonly npmRegistry?: string;

  /**
   * The environments, in deploy order: each its own CDK Stage with its own account, region, VPC
   * and host name. Settings given at the top level are the defaults every environment inherits.
   * @default - one environment, `dev`, with the top-level settings
   */
  readonly environments?: EnvironmentSettings[];

  /**
   * Managed infrastructure checks (`test/hybrid/infrastructure.test.ts`) this app does without,
   * each with its reason. They show as skipped, with the reason, in every test run.
   * @default []
   */
  readonly switchedOffChecks?: SwitchedOffCheck[];
}

/**
 * One environment (dev, staging, prod …): the settings that differ per environment. Anything
 * left out is inherited from the top-level settings.
 */
export interface EnvironmentSettings {
  /** Its name: lowercase, short (`dev`, `prod`), unique. It names the CDK Stage, the stacks' prefix and the `deploy:<name>` task. */
  readonly name: string;
  /** AWS account (12 digits). @default - the top-level `account` */
  readonly account?: string;
  /** AWS region. @default - the top-level `region` */
  readonly region?: string;
  /** The VPC the corporate network reaches in this environment. @default - the top-level `vpcId` */
  readonly vpcId?: string;
  /** Private subnets of `vpcId`, at least two AZs. @default - the top-level `subnetIds` */
  readonly subnetIds?: string[];
  /** On-premises ranges allowed in. @default - the top-level `corporateCidrs` */
  readonly corporateCidrs?: string[];
  /** Host name users type. @default - the top-level `domain` */
  readonly domain?: string;
  /** Route 53 hosted zone that holds `domain`. @default - the top-level `hostedZoneId` */
  readonly hostedZoneId?: string;
  /** ACM certificate for `domain`, in `region`. @default - the top-level `certificateArn`, or a placeholder in `account` and `region` */
  readonly certificateArn?: string;
  /** An existing `execute-api` VPC endpoint (topology `apigw-vpce`). @default - the top-level `vpcEndpointId` */
  readonly vpcEndpointId?: string;
  /** Production: deletion protection; no `destroy:<name>` task. @default - the top-level `production` */
  readonly production?: boolean;
  /** Sign-in at the load balancer (its own provider or client), or `false` for none. @default - the top-level `auth` */
  readonly auth?: OidcAuthSettings | boolean;
  /** The bootstrap qualifier (`cdk bootstrap --qualifier`). @default - the top-level `qualifier` */
  readonly qualifier?: string;
  /** The role the deploy workflow assumes in this account. @default - the top-level `deployRoleArn` */
  readonly deployRoleArn?: string;
  /** The permissions boundary of every IAM role in this environment. @default - the top-level `permissionsBoundary` */
  readonly permissionsBoundary?: string;
  /** The tags of every taggable resource in this environment (instead of the top level's). @default - the top-level `tags` */
  readonly tags?: { [key: string]: string };
}

/**
 * The identity provider the load balancer signs users in with (OpenID Connect, `authenticate-oidc`):
 * the values of the app's registration at the provider (Entra ID, Okta, Ping, ADFS, Cognito …),
 * found in its discovery document, `<issuer>/.well-known/openid-configuration`. Register the
 * callback `https://<domain>/oauth2/idpresponse` there.
 */
export interface OidcAuthSettings {
  /** The provider's issuer, e.g. `https://login.microsoftonline.com/<tenant id>/v2.0` (https). */
  readonly issuer: string;
  /** Its authorization endpoint, where users sign in (https). */
  readonly authorizationEndpoint: string;
  /** Its token endpoint, which the load balancer calls (https). */
  readonly tokenEndpoint: string;
  /** Its user info endpoint, which the load balancer calls (https). */
  readonly userInfoEndpoint: string;
  /** The app's client id at the provider. */
  readonly clientId: string;
  /**
   * The NAME or ARN of the Secrets Manager secret that holds the client secret (a plain-text
   * secret), in the environment's account and region. Never the secret itself: it must not be in the repo.
   */
  readonly clientSecret: string;
  /** The scopes asked for, space-separated; must include `openid`. @default "openid email profile" */
  readonly scope?: string;
  /**
   * How long a sign-in lasts, in seconds (1 to 604800); then the load balancer signs the user in
   * again (silently while the provider's own session lasts).
   * @default 3600
   */
  readonly sessionTimeout?: number;
  /**
   * The CIDRs of the provider's token and user info endpoints: the load balancer's only egress
   * for sign-in, on 443.
   * @default - 443 to anywhere (`0.0.0.0/0`), through the VPC's NAT or the corporate network
   */
  readonly providerCidrs?: string[];
  /**
   * Machine callers: scripts and services that call `/api/*` with `Authorization: Bearer <JWT>` from their own
   * identity provider (client credentials), verified by the load balancer (RS256, `iss`, `exp`, the audience and
   * claims below) instead of the browser sign-in. Set in `.projenrc.ts` or the answers file (no CLI question).
   * @default - none: every call signs in as a person
   */
  readonly machine?: MachineAuthSettings;
}

/** A claim the load balancer requires of a machine caller's token, besides `iss` and `exp`. */
export interface MachineClaim {
  /** The claim's name, e.g. `scope`; not `exp`, `iss`, `nbf` or `iat` (always checked). */
  readonly name: string;
  /**
   * How the token writes it: `single-string` (one string, e.g. `"azp": "billing"`), `string-array` (a JSON array,
   * e.g. `"roles": ["orders.read"]`) or `space-separated-values` (e.g. `"scope": "orders.read orders.write"`).
   * A string rather than an enum, so that the answers file and `.projenrc.ts` spell it alike.
   */
  readonly format: string;
  /** The accepted values: 1 to 10, each at most 256 characters (no spaces for `space-separated-values`). */
  readonly values: string[];
}

/**
 * The identity provider of machine callers, for the load balancer's JWT verification (`jwt-validation`). Its key
 * set must be reachable from the load balancer on a public endpoint, at most 150 KB and 10 keys; RS256 only.
 */
export interface MachineAuthSettings {
  /** The issuer, exactly as the tokens' `iss` has it (https). */
  readonly issuer: string;
  /** The provider's JWKS endpoint (https, public, at most 256 characters), e.g. `<issuer>/.well-known/jwks.json`. */
  readonly jwksEndpoint: string;
  /**
   * The `aud` the tokens must carry (a single string; give `aud` in `claims` as `string-array` if the provider
   * writes a list). `audience` or `claims` is required: without either, any token of the issuer would do.
   * @default - none
   */
  readonly audience?: string;
  /** More claims the tokens must carry (at most 10 together with `audience`). @default [] */
  readonly claims?: MachineClaim[];
  /**
   * The CIDRs of the JWKS endpoint: the load balancer's egress on 443 for it.
   * @default - 443 to anywhere (`0.0.0.0/0`), through the VPC's NAT
   */
  readonly jwksCidrs?: string[];
}

/**
 * A managed infrastructure check switched off, with the reason (like a cdk-nag acknowledgement).
 */
export interface SwitchedOffCheck {
  /** The check's id, shown in brackets after its title in the test output, e.g. `alb-deletion-protection`. */
  readonly id: string;
  /** Why this app does without it: shown with the skipped check in every test run. */
  readonly reason: string;
}

/**
 * Options of `HybridServerlessApp`: projen's AwsCdkTypeScriptApp options plus the settings
 * of the hybrid serverless app.
 */
export interface HybridServerlessAppOptions extends HybridServerlessAppBaseOptions, HybridServerlessSettings {
  /**
   * The company preset this repo follows: the name of a preset package (a devDependency of the repo, added by the
   * project type), or a path to a preset file relative to the repo (`./preset.js`). Its defaults apply where
   * `.projenrc.ts` sets nothing; its locked values may not be changed here. Upgrading the preset package and one
   * `npx projen` brings its new values to the managed files. docs/presets.md describes presets.
   * @default - no preset
   */
  readonly preset?: string;
}
