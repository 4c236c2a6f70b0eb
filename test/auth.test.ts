import { OidcAuthSettings, Topology } from '../src';
import { newProject, problemsOf, synth } from './util';
import { resolveEnvironments } from '../src/settings';

const AUTH: OidcAuthSettings = {
  issuer: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
  authorizationEndpoint: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize',
  tokenEndpoint: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token',
  userInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
  clientId: '66666666-7777-8888-9999-000000000000',
  clientSecret: 'orders/oidc-client-secret',
};
const PROD_AUTH: OidcAuthSettings = {
  ...AUTH,
  clientId: 'orders-prod',
  clientSecret: 'arn:aws:secretsmanager:eu-central-1:222233334444:secret:orders/oidc-AbCdEf',
  scope: 'openid email',
  sessionTimeout: 28800,
  providerCidrs: ['10.50.0.0/16', 'fd00:50::/32'],
};
const PROD = {
  name: 'prod',
  account: '222233334444',
  region: 'eu-central-1',
  production: true,
  auth: PROD_AUTH,
  certificateArn: 'arn:aws:acm:eu-central-1:222233334444:certificate/12345678-1234-1234-1234-123456789012',
};

describe('auth: the settings', () => {
  test('good: app-wide, inherited by each environment, overridden or switched off per environment', () => {
    const settings = { auth: AUTH, environments: [{ name: 'dev' }, { name: 'test', auth: false }, PROD] };
    expect(problemsOf(settings)).toEqual([]);
    const [dev, testing, prod] = resolveEnvironments(settings);
    expect(dev.auth).toEqual(AUTH);
    expect(testing.auth).toBeUndefined();
    expect(prod.auth).toEqual(PROD_AUTH);
    expect(problemsOf({ auth: false })).toEqual([]);
    expect(problemsOf({ topology: Topology.APIGW_VPCE, auth: { ...AUTH, scope: 'openid', sessionTimeout: 1, providerCidrs: ['10.0.0.0/8'] } }))
      .toEqual([]);
    // Names that happen to be long and mixed are names, not values.
    for (const clientSecret of ['OrdersOidcClientSecret2024', 'prod/Orders/OidcClientSecret1', 'orders-oidc-client-secret-prod-2024']) {
      expect(problemsOf({ auth: { ...AUTH, clientSecret } })).toEqual([]);
    }
    // Only one environment signs in: the others need not.
    expect(problemsOf({ environments: [{ name: 'dev' }, { name: 'prod', auth: AUTH }] })).toEqual([]);
  });

  test.each([
    ['true instead of the details', { auth: true }, /^auth: true must be false \(no sign-in\) or the provider's details/],
    ['a list', { auth: [AUTH] }, /^auth: .* must be false \(no sign-in\) or the provider's details/],
    ['an unknown field', { auth: { ...AUTH, clientSecretValue: 'x' } }, /^auth\.clientSecretValue: is not a field of auth\. Did you mean "clientSecret"\?/],
    ['a missing client id', { auth: { ...AUTH, clientId: undefined } }, /^auth\.clientId: is required/],
    ['an http endpoint', { auth: { ...AUTH, tokenEndpoint: 'http://login.example.com/token' } }, /^auth\.tokenEndpoint: .* must use https/],
    ['an endpoint that is no URL', { auth: { ...AUTH, userInfoEndpoint: 'graph.microsoft.com/oidc/userinfo' } }, /^auth\.userInfoEndpoint: .* is not a URL/],
    ['an endpoint at an IP address', { auth: { ...AUTH, authorizationEndpoint: 'https://10.1.2.3/authorize' } }, /^auth\.authorizationEndpoint: .* needs a host name/],
    ['an issuer with a query', { auth: { ...AUTH, issuer: 'https://login.example.com/?tenant=1' } }, /^auth\.issuer: .* must not have a query/],
    ['a client id with a space', { auth: { ...AUTH, clientId: 'my app' } }, /^auth\.clientId: "my app" is not a client id/],
    ['the secret\'s value (Entra ID)', { auth: { ...AUTH, clientSecret: 'Zx8Q~k2LmNoPqRsTuVwXyZ0123456789abcd' } },
      /^auth\.clientSecret: .* is not a Secrets Manager secret name .* The secret itself never goes in \.projenrc\.ts/],
    ['the secret\'s value (Okta)', { auth: { ...AUTH, clientSecret: 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH3jK5mN7p' } },
      /^auth\.clientSecret: .* looks like a secret's value, not its name/],
    ['a secret ARN in another region', { auth: { ...AUTH, clientSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf' } },
      /^auth\.clientSecret: .* is in us-east-1, but the environment deploys to eu-west-1/],
    ['a malformed secret ARN', { auth: { ...AUTH, clientSecret: 'arn:aws:secretsmanager:eu-west-1:1234:secret:x' } },
      /^auth\.clientSecret: .* is not a Secrets Manager secret ARN/],
    ['scopes without openid', { auth: { ...AUTH, scope: 'email profile' } }, /^auth\.scope: "email profile" must include "openid"/],
    ['scopes with two spaces', { auth: { ...AUTH, scope: 'openid  email' } }, /^auth\.scope: .* is not a list of scopes/],
    ['a session of 0 seconds', { auth: { ...AUTH, sessionTimeout: 0 } }, /^auth\.sessionTimeout: 0 is not a session timeout: whole seconds from 1 to 604800/],
    ['a session of more than 7 days', { auth: { ...AUTH, sessionTimeout: 604801 } }, /^auth\.sessionTimeout: 604801 is not a session timeout/],
    ['a session in fractions', { auth: { ...AUTH, sessionTimeout: 1.5 } }, /^auth\.sessionTimeout: 1\.5 is not a session timeout/],
    ['the provider anywhere, spelled out', { auth: { ...AUTH, providerCidrs: ['0.0.0.0/0'] } }, /^auth\.providerCidrs: "0\.0\.0\.0\/0" is anywhere: leave providerCidrs out/],
    ['a provider CIDR with host bits', { auth: { ...AUTH, providerCidrs: ['10.50.0.1/16'] } }, /^auth\.providerCidrs: "10\.50\.0\.1\/16" has host bits set/],
    ['no provider CIDRs', { auth: { ...AUTH, providerCidrs: [] } }, /^auth\.providerCidrs: must be a list of the CIDRs/],
    ['the topology without a load balancer', { topology: Topology.APIGW_PRIVATE_DOMAIN, auth: AUTH },
      /^auth: the topology "apigw-private-domain" has no load balancer to sign users in at/],
    ['an environment\'s own bad client id', { environments: [{ name: 'dev' }, { name: 'prod', auth: { ...AUTH, clientId: '' } }] },
      /^environments\[1\]\.auth\.clientId: "" is not a client id/],
    ['an environment in another region, inheriting a secret ARN', {
      auth: { ...AUTH, clientSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf' },
      environments: [{ name: 'dev' }, {
        name: 'prod',
        region: 'eu-central-1',
        certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      }],
    }, /^environments\[1\]\.auth\.clientSecret: .* is in eu-west-1, but the environment deploys to eu-central-1/],
    ['an environment signing in without a load balancer', { topology: Topology.APIGW_PRIVATE_DOMAIN, environments: [{ name: 'prod', auth: AUTH }] },
      /^environments\[0\]\.auth: the topology "apigw-private-domain" has no load balancer/],
  ])('bad: %s', (_what, settings, expected) => {
    const problems = problemsOf(settings);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  test('every problem at once, each named', () => {
    expect(problemsOf({ auth: { issuer: 'http://x.example.com', clientSecret: 'a b' } }).map((problem) => problem.split(':')[0])).toEqual([
      'auth.issuer', 'auth.authorizationEndpoint', 'auth.tokenEndpoint', 'auth.userInfoEndpoint', 'auth.clientId', 'auth.clientSecret',
    ]);
  });

  test('the project type refuses bad sign-in in .projenrc.ts, naming the setting', () => {
    expect(() => newProject({ auth: { ...AUTH, scope: 'profile' } })).toThrow(/auth\.scope: "profile" must include "openid"/);
  });
});

describe('auth: what is rendered', () => {
  const environments = [{ name: 'dev' }, { name: 'test', auth: false }, PROD];

  test('the config holds each environment\'s sign-in with the defaults applied, none where it is off', () => {
    const files = synth(newProject({ frontend: true, auth: AUTH, environments }));
    const config: string = files['src/hybrid/config.ts'];
    expect(config).toContain("export type { Destination, OidcAuth } from 'create-hybrid-serverless/constructs';");
    const [dev, testing, prod] = config.split(/^ {2}\{$/m).slice(1);
    expect(dev).toContain([
      '    auth: {',
      `      issuer: '${AUTH.issuer}',`,
      `      authorizationEndpoint: '${AUTH.authorizationEndpoint}',`,
      `      tokenEndpoint: '${AUTH.tokenEndpoint}',`,
      `      userInfoEndpoint: '${AUTH.userInfoEndpoint}',`,
      `      clientId: '${AUTH.clientId}',`,
      `      clientSecret: '${AUTH.clientSecret}',`,
      "      scope: 'openid email profile',",
      '      sessionTimeout: 3600,',
      "      providerCidrs: ['0.0.0.0/0'],",
      '    },',
    ].join('\n'));
    expect(testing).not.toContain('auth:');
    expect(prod).toContain("      clientSecret: 'arn:aws:secretsmanager:eu-central-1:222233334444:secret:orders/oidc-AbCdEf',");
    expect(prod).toContain("      scope: 'openid email',\n      sessionTimeout: 28800,\n      providerCidrs: ['10.50.0.0/16', 'fd00:50::/32'],");
    // .projenrc.ts keeps what was given, not the defaults.
    expect(files['.projenrc.ts'] ?? '').not.toContain('sessionTimeout: 3600');
  });

  // What sign-in builds (listener rules, egress, the function's variables, the acknowledgements) and its managed checks
  // are the constructs' and the checks': test/constructs/ and test/checks/.
  test('the docs name the callback to register and, for the REST API, the sign-in as why it has no authorizer', () => {
    const files = synth(newProject({ auth: AUTH, handlerEgress: ['10.20.0.0/16:5432'], environments }));
    expect(files['docs/architecture.md']).toContain('https://app.internal.example.com/oauth2/idpresponse');
    const gateway = synth(newProject({ topology: Topology.APIGW_VPCE, auth: AUTH, environments }));
    expect(gateway['docs/architecture.md']).toMatch(/\| APIG4, COG4 \| the REST API \| .*in dev, prod: users sign in at the load balancer/);
  });

  test('without sign-in, the config holds none', () => {
    const files = synth(newProject({ frontend: true }));
    expect(files['src/hybrid/config.ts']).not.toMatch(/^ {4}auth: /m);
  });
});
