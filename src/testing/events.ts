import type { Context } from 'aws-lambda';
import type { LambdaHttpEvent } from '../runtime/http';

/**
 * Real event payloads, as documented by AWS ("Lambda functions as targets of an Application
 * Load Balancer"; "Input format of a Lambda function for proxy integration" of API Gateway),
 * with the parts a test varies made parameters.
 */
export interface EventOptions {
  readonly method?: string;
  readonly path?: string;
  /** Raw query string values, as the client sent them (URL-encoded). */
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  /** Headers sent more than once, e.g. two `cookie` lines (joined with `, ` where the shape has one value). */
  readonly repeatedHeaders?: Record<string, string[]>;
  readonly body?: string;
  /** Send the body base64-encoded, as an ALB does for binary content. */
  readonly base64?: boolean;
}

const ALB_HEADERS: Record<string, string> = {
  'accept': 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8',
  'accept-encoding': 'gzip',
  'accept-language': 'en-US,en;q=0.9',
  'connection': 'keep-alive',
  'host': 'lambda-alb-123578498.us-east-2.elb.amazonaws.com',
  'upgrade-insecure-requests': '1',
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36',
  'x-amzn-trace-id': 'Root=1-5c536348-3d683b8b04734faae651f476',
  'x-forwarded-for': '72.12.164.125',
  'x-forwarded-port': '443',
  'x-forwarded-proto': 'https',
};

function body(options: EventOptions): string {
  if (options.body === undefined) return '';
  return options.base64 ? Buffer.from(options.body).toString('base64') : options.body;
}

/**
 * An event from a target group with `lambda.multi_value_headers.enabled` = true, which is
 * how the generated infrastructure configures it.
 */
export function albEvent(options: EventOptions = {}): LambdaHttpEvent {
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries({ ...ALB_HEADERS, ...options.headers })) {
    multiValueHeaders[name] = [value];
  }
  Object.assign(multiValueHeaders, options.repeatedHeaders);
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(options.query ?? {})) {
    multiValueQueryStringParameters[name] = Array.isArray(value) ? value : [value];
  }
  return {
    requestContext: {
      elb: {
        targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a',
      },
    },
    httpMethod: options.method ?? 'GET',
    path: options.path ?? '/api/health',
    multiValueQueryStringParameters,
    multiValueHeaders,
    body: body(options),
    isBase64Encoded: options.base64 ?? false,
  };
}

/** The same request from a target group without multi-value headers. */
export function albSingleValueEvent(options: EventOptions = {}): LambdaHttpEvent {
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.query ?? {})) {
    queryStringParameters[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return {
    requestContext: albEvent().requestContext,
    httpMethod: options.method ?? 'GET',
    path: options.path ?? '/api/health',
    queryStringParameters,
    // Without multi-value headers, the load balancer passes the last value of a repeated header.
    headers: { ...ALB_HEADERS, ...options.headers, ...lastValues(options.repeatedHeaders) },
    body: body(options),
    isBase64Encoded: options.base64 ?? false,
  };
}

function lastValues(headers: Record<string, string[]> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values[values.length - 1]]));
}

/**
 * The same request from a private REST API's `{proxy+}` resource (Lambda proxy integration),
 * as it arrives through the `execute-api` VPC endpoint. API Gateway decodes query strings.
 */
export function apigwEvent(options: EventOptions = {}): LambdaHttpEvent {
  const path = options.path ?? '/api/health';
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    'Accept': '*/*',
    'Host': 'app.internal.example.com',
    'User-Agent': 'curl/8.5.0',
    'X-Amzn-Trace-Id': 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050',
    'x-amzn-vpce-config': '1',
    'x-amzn-vpce-id': 'vpce-0123456789abcdef0',
    'X-Forwarded-For': '10.1.2.3',
    ...options.headers,
  };
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(options.query ?? {})) {
    multiValueQueryStringParameters[decodeURIComponent(name)] = (Array.isArray(value) ? value : [value])
      .map((item) => decodeURIComponent(item.replace(/\+/g, ' ')));
  }
  const hasQuery = Object.keys(multiValueQueryStringParameters).length > 0;
  // The whole event as API Gateway sends it, more fields than the adapter reads.
  const event = {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { ...headers, ...lastValues(options.repeatedHeaders) },
    multiValueHeaders: {
      ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      ...options.repeatedHeaders,
    },
    queryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(multiValueQueryStringParameters).map(([name, values]) => [name, values[values.length - 1]]))
      : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: { proxy: path.replace(/^\//, '') },
    stageVariables: null,
    requestContext: {
      resourceId: 'a1b2c3',
      resourcePath: '/{proxy+}',
      httpMethod: method,
      extendedRequestId: 'JJbxmHc8vHcFSfw=',
      requestTime: '10/Mar/2026:00:03:59 +0000',
      path: `/prod${path}`,
      accountId: '123456789012',
      protocol: 'HTTP/1.1',
      stage: 'prod',
      domainPrefix: 'app',
      requestTimeEpoch: 1773101039542,
      requestId: 'e6a4c9c5-2b36-4a43-8b5e-4a7a3f1b2c9d',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '10.1.2.3',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
        vpceId: 'vpce-0123456789abcdef0',
        vpcId: 'vpc-0123456789abcdef0',
      },
      domainName: 'app.internal.example.com',
      apiId: 'abcdef1234',
      authorizer: null,
    },
    body: options.body === undefined ? null : (options.base64 ? Buffer.from(options.body).toString('base64') : options.body),
    isBase64Encoded: options.base64 ?? false,
  };
  return event;
}

/** The Lambda context of an invocation, as the runtime passes it. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:api',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/api',
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
