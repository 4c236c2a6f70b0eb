import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The stage every request goes to. */
export const STAGE_NAME = 'prod';

export interface PrivateRestApiProps {
  /** The host name the API serves, for its description. */
  readonly domain: string;
  /** The `execute-api` endpoint the API is bound to: the only way in. */
  readonly endpoint: ec2.IInterfaceVpcEndpoint;
  /** The function that answers every request. */
  readonly handler: lambda.IFunction;
  /** Where the traffic comes from, for the WAF acknowledgement, e.g. "through the internal ALB". */
  readonly trafficPath: string;
  /**
   * Users sign in at the load balancer in front (the only way in), so the API needs no authorizer of its own.
   * @default false
   */
  readonly signedInAtLoadBalancer?: boolean;
  /**
   * The stage's steady-state and burst request limits.
   * @default 100 requests per second, bursts of 200
   */
  readonly throttling?: { readonly rateLimit: number; readonly burstLimit: number };
}

/**
 * A resource policy (of a private REST API or a private custom domain name) that lets anyone invoke it, but only
 * through one `execute-api` endpoint: `aws:SourceVpce` takes the endpoint's vpce- id.
 */
export function invokeOnlyThrough(endpointId: string): iam.PolicyDocument {
  const invoke = { actions: ['execute-api:Invoke'], resources: ['execute-api:/*'], principals: [new iam.AnyPrincipal()] };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ effect: iam.Effect.ALLOW, ...invoke }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, ...invoke, conditions: { StringNotEquals: { 'aws:SourceVpce': endpointId } } }),
    ],
  });
}

/**
 * A PRIVATE REST API bound to one `execute-api` endpoint, proxying every path to the handler:
 * the resource policy matches `aws:SourceVpce` against the endpoint id (never a VPC id); the
 * stage has access and execution logs, X-Ray tracing, throttling and a request validator.
 * Created directly in `scope` (ids `AccessLogs`, `RestApi`), so that its resources keep their
 * logical ids whichever topology builds it.
 */
export function createPrivateRestApi(scope: Construct, props: PrivateRestApiProps): apigw.RestApi {
  const { endpoint, handler } = props;
  const accessLogs = new logs.LogGroup(scope, 'AccessLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const restApi = new apigw.RestApi(scope, 'RestApi', {
    description: `Private API of ${props.domain}`,
    // Binary responses (isBase64Encoded) reach the client as bytes; request bodies arrive base64.
    binaryMediaTypes: ['*/*'],
    endpointConfiguration: { types: [apigw.EndpointType.PRIVATE], vpcEndpoints: [endpoint] },
    // Only calls through the app's endpoint: `aws:SourceVpce` takes a vpce- id.
    policy: invokeOnlyThrough(endpoint.vpcEndpointId),
    deployOptions: {
      stageName: STAGE_NAME,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
      loggingLevel: apigw.MethodLoggingLevel.INFO,
      dataTraceEnabled: false,
      tracingEnabled: true,
      metricsEnabled: true,
      throttlingRateLimit: props.throttling?.rateLimit ?? 100,
      throttlingBurstLimit: props.throttling?.burstLimit ?? 200,
    },
    // Execution logging needs the account's API Gateway CloudWatch role, an account-wide setting
    // (AWS::ApiGateway::Account, one per account and region): set once for the account, never by an app, whose
    // deploy would overwrite another team's and whose removal would break logging account-wide
    // (docs/architecture.md says how).
    cloudWatchRole: false,
  });
  const requestValidator = restApi.addRequestValidator('RequestValidator', {
    validateRequestParameters: true,
    // Validates what methods declare (request models, required parameters); nothing until they do.
    validateRequestBody: true,
  });
  const integration = new apigw.LambdaIntegration(handler);
  const methodOptions = { requestValidator };
  // Every path to the handler. Declared explicitly: `addProxy` leaves the validator off its method.
  restApi.root.addMethod('ANY', integration, methodOptions);
  restApi.root.addResource('{proxy+}').addMethod('ANY', integration, methodOptions);

  // With sign-in, users are authenticated by the load balancer, the only way in (the endpoint admits only
  // its security group), and the handler verifies the load balancer's signed identity: API Gateway's own
  // authorizers would only repeat it.
  Validations.of(restApi).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG4',
    reason: props.signedInAtLoadBalancer
      ? 'Users sign in at the internal load balancer (OpenID Connect) before a request reaches the API, the only way in; ' +
        'the handler verifies the load balancer\'s signed identity (src/hybrid/auth.ts).'
      : 'Reachable only from the corporate network (private endpoint, resource policy). ' +
        'User authentication is the team\'s decision (docs/architecture.md, Security).',
  });
  Validations.of(restApi).acknowledge({
    id: 'AwsSolutions::AwsSolutions-COG4',
    reason: props.signedInAtLoadBalancer
      ? 'No Cognito: users sign in with the company\'s identity provider at the load balancer; see APIG4.'
      : 'No Cognito: the app is private to the corporate network; see APIG4.',
  });
  Validations.of(restApi.deploymentStage).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG3',
    reason: `Traffic reaches the stage only from the corporate network ${props.trafficPath}; a WAF web ACL, if ` +
      'the team wants one, is the team\'s addition (docs/architecture.md, Security).',
  });
  return restApi;
}

/** A private custom domain name: its name and the id API Gateway gave it. */
export interface PrivateDomainName {
  readonly name: string;
  readonly id: string;
}

/**
 * The policy of an `execute-api` endpoint the app creates: invoking this app's REST API on its
 * stage and, with a private custom domain name, that domain (AWS evaluates both for a call to
 * the domain); nothing else passes through the endpoint.
 *
 * It names the API's and the domain's ids, and both name the endpoint (`VpcEndpointIds`,
 * `aws:SourceVpce` in their resource policies): in the endpoint's own `PolicyDocument` that
 * would be a circular dependency CloudFormation refuses, so `PrivateEndpoint.setPolicyAtDeploy`
 * sets it once they exist.
 */
export function executeApiEndpointPolicy(restApi: apigw.RestApi, domain?: PrivateDomainName): iam.PolicyDocument {
  const stack = Stack.of(restApi);
  const arn = (resource: string) => stack.formatArn({ service: 'execute-api', resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  return new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({
      actions: ['execute-api:Invoke'],
      principals: [new iam.AnyPrincipal()],
      resources: [
        arn(`${restApi.restApiId}/${restApi.deploymentStage.stageName}/*`),
        ...(domain ? [arn(`/domainnames/${domain.name}+${domain.id}`)] : []),
      ],
    })],
  });
}
