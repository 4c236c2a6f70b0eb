import { IConstruct } from 'constructs';
import { Topology } from '../options';

/** A topology's name, as `.projenrc.ts`'s `Topology` member has it: `'alb-lambda'`, `'apigw-vpce'`, … */
export type TopologyName = `${Topology}`;

/**
 * The settings of one environment of an app, as `.projenrc.ts` has them and the generated `src/hybrid/config.ts`
 * holds them. `T` is the app's topology: the constructs of `PrivateApp` follow it.
 */
export interface HybridConfig<T extends TopologyName = TopologyName> {
  /** The environment's name: its CDK Stage, its stacks' prefix, its `deploy:<name>` task. */
  readonly name: string;
  /** How requests reach the handlers. */
  readonly topology: T;
  /** Whether a single-page app is served under the same host name as the API. */
  readonly frontend: boolean;
  /** The host name users type. */
  readonly domain: string;
  /** The Route 53 hosted zone (usually private) that holds `domain`. */
  readonly hostedZoneId: string;
  /** The ACM certificate for `domain`, in `region`. */
  readonly certificateArn: string;
  /** The VPC that the corporate network reaches over VPN or Direct Connect. */
  readonly vpcId: string;
  /** Private subnets in different availability zones, for the load balancer and endpoints. */
  readonly subnetIds: string[];
  /** The on-premises ranges allowed in. */
  readonly corporateCidrs: string[];
  /** An existing `execute-api` VPC endpoint to use instead of creating one (the `apigw-*` topologies). */
  readonly vpcEndpointId?: string;
  /**
   * Where the API function may send, from inside the VPC (`handlerEgress` in `.projenrc.ts`);
   * empty: the function runs outside the VPC.
   */
  readonly handlerDestinations: Destination[];
  /** Concurrent executions reserved for the API function; none when absent. */
  readonly reservedConcurrency?: number;
  /** Sign-in at the load balancer with the company's identity provider; none when absent. */
  readonly auth?: OidcAuth;
  /** Whether this is the production environment (deletion protection on the load balancer, if any). */
  readonly production: boolean;
  /** The AWS account to deploy to. */
  readonly account: string;
  /** The AWS region to deploy to. */
  readonly region: string;
  /** The bootstrap qualifier of that account and region (`cdk bootstrap --qualifier`), if not CDK's default. */
  readonly qualifier?: string;
  /** The IAM role the deploy workflow assumes in that account, if not the GitHub environment's secret `AWS_DEPLOY_ROLE_ARN`. */
  readonly deployRoleArn?: string;
  /**
   * The permissions boundary every IAM role of the environment gets (the team's own included): a managed policy's
   * name or ARN, as the landing zone requires. None when absent.
   */
  readonly permissionsBoundary?: string;
  /** The tags every taggable resource of the environment carries (cost centre, owner, data class, …). */
  readonly tags?: { readonly [key: string]: string };
  /** cdk-nag packs checked beside AwsSolutions (`NIST80053R5Checks`, …). */
  readonly nagPacks?: readonly string[];
}

/** An on-premises range and the ports the API function may reach there. */
export interface Destination {
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/**
 * The identity provider the load balancer signs users in with (OpenID Connect), from the app's
 * registration there; its callback is `https://<domain>/oauth2/idpresponse`.
 */
export interface OidcAuth {
  /** The provider's issuer. */
  readonly issuer: string;
  /** Where users sign in. */
  readonly authorizationEndpoint: string;
  /** Called by the load balancer for the tokens. */
  readonly tokenEndpoint: string;
  /** Called by the load balancer for the user's claims. */
  readonly userInfoEndpoint: string;
  /** The app's client id at the provider. */
  readonly clientId: string;
  /** The name or ARN of the Secrets Manager secret holding the client secret (never the secret itself). */
  readonly clientSecret: string;
  /** The scopes asked for, space-separated. */
  readonly scope: string;
  /** How long a sign-in lasts, in seconds. */
  readonly sessionTimeout: number;
  /** Where the provider's endpoints are: the load balancer's egress on 443 for sign-in. */
  readonly providerCidrs: string[];
  /** Machine callers (`Authorization: Bearer`) verified by the load balancer's JWT verification; none when absent. */
  readonly machine?: MachineAuth;
}

/** The identity provider of machine callers, whose tokens the load balancer verifies (RS256) on `/api/*`. */
export interface MachineAuth {
  /** The tokens' `iss`. */
  readonly issuer: string;
  /** The provider's key set: public, at most 150 KB and 10 keys. */
  readonly jwksEndpoint: string;
  /** The `aud` the tokens must carry, if any. */
  readonly audience?: string;
  /** More claims the tokens must carry. */
  readonly claims: MachineClaim[];
  /** Where the JWKS endpoint is: the load balancer's egress on 443 for it. */
  readonly jwksCidrs: string[];
}

/** A claim a machine caller's token must carry, as the load balancer compares it. */
export interface MachineClaim {
  readonly name: string;
  readonly format: 'single-string' | 'string-array' | 'space-separated-values';
  readonly values: string[];
}

/** The claims the load balancer checks beside `iss` and `exp`: the audience (as `aud`) first, then the others. */
export function machineClaims(machine: MachineAuth): MachineClaim[] {
  return [...(machine.audience ? [{ name: 'aud', format: 'single-string' as const, values: [machine.audience] }] : []), ...machine.claims];
}

/** The context key under which an `EnvironmentStage` names its environment. */
export const ENVIRONMENT_CONTEXT = 'create-hybrid-serverless:environment';

/**
 * The environment a construct is built in: the one its `EnvironmentStage` names, else the first. The generated
 * `configFor(scope)` is this with the app's environments.
 */
export function environmentOf<C extends HybridConfig>(scope: IConstruct, environments: readonly C[]): C {
  const name: unknown = scope.node.tryGetContext(ENVIRONMENT_CONTEXT);
  if (name === undefined) return environments[0];
  const found = environments.find((environment) => environment.name === name);
  if (!found) throw new Error(`No environment "${String(name)}" in .projenrc.ts; there are ${environments.map((e) => e.name).join(', ')}.`);
  return found;
}

