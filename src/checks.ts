/**
 * The ids of the managed infrastructure checks in `test/hybrid/infrastructure.test.ts`, which
 * `switchedOffChecks` names. The test template uses exactly these (a package test keeps the two
 * equal), so switching off a check that does not exist is an error, not a silent no-op.
 */
export const MANAGED_CHECK_IDS: readonly string[] = [
  'alb-internal',
  'alb-deletion-protection',
  'alb-access-logs',
  'alb-https-tls13',
  'alb-http-redirect',
  'alb-ingress-corporate-only',
  'alb-egress-endpoints-only',
  'dns-alias',
  'function-runtime',
  'function-role',
  'function-log-retention',
  'lambda-target-group',
  'lambda-invoke-permission',
  'execute-api-endpoint',
  'execute-api-endpoint-access',
  'private-rest-api',
  'stage-logs-tracing',
  'proxy-methods',
  'custom-domain',
  'endpoint-ip-targets',
  'frontend-bucket',
  'frontend-bucket-endpoint-only',
  'frontend-deployment',
  'frontend-listener-rules',
  'no-frontend-resources',
  'cdk-nag',
];
