import { checkAuth } from '../src/settings';
import {
  Check, checkAccount, checkBoolean, checkCertificateArn, checkCidr, checkClientId, checkCorporateCidrs, checkDeployRoleArn,
  checkDomain, checkEnvironmentName, checkHandlerEgress, checkHostedZoneId, checkHttpsUrl, checkIssuer, checkOneOf, checkPermissionsBoundary,
  checkProjectName,
  checkProjectNameAllowingCapitals, checkProviderCidrs, checkQualifier, checkRegion, checkReservedConcurrency, checkScope,
  checkSecretReference, checkSessionTimeout, checkSubnetId, checkSubnetIds, checkSwitchedOffCheck, checkTags, checkVpcEndpointId, checkVpcId,
  closest, didYouMean, editDistance, parseDestination, partitionOf, show, toValidProjectName,
} from '../src/validate';

/**
 * The validators, one table per kind of value: each row a value and what the check says of it
 * (`undefined`: accepted; otherwise a part of the message, which must name what is wrong and,
 * where the value is shown, show it quoted).
 */
type Row = [value: unknown, says: string | undefined];

const TABLES: Array<[name: string, check: Check<unknown>, rows: Row[]]> = [
  ['checkProjectName', checkProjectName, [
    ['my-app', undefined],
    ['@acme/portal', undefined],
    ['a.b_c~d', undefined],
    ['', 'must be a non-empty npm package name'],
    [42, 'must be a non-empty npm package name'],
    ['MyApp', '"MyApp" is not a valid npm package name'],
    ['my app', 'suggestion: "my-app"'],
    ['../escape', 'is not a valid npm package name'],
    ['_private', 'is not a valid npm package name'],
    ['a'.repeat(215), 'is 215 characters long; npm allows at most 214.'],
  ]],
  ['checkProjectNameAllowingCapitals', checkProjectNameAllowingCapitals, [
    ['MyApp', undefined],
    ['@Acme/Portal', 'is not a valid npm package name'],
    ['My App', 'suggestion: "my-app"'],
    ['<script>', 'is not a valid npm package name'],
    ['a$b', 'is not a valid npm package name'],
  ]],
  ['checkDomain', checkDomain, [
    ['myapp.internal.example.com', undefined],
    ['a-b.example.com', undefined],
    ['xn--bcher-kva.example', undefined],
    ['', 'must be a host name'],
    [null, 'must be a host name'],
    ['MyApp.example.com', '"MyApp.example.com" must be lowercase ("myapp.example.com").'],
    ['app.example.com.', 'must not end with a dot ("app.example.com")'],
    ['localhost', 'needs at least two labels'],
    ['my_app.example.com', 'the label "my_app" must be 1-63 letters'],
    ['*.example.com', 'the label "*" must be 1-63 letters'],
    ['-app.example.com', 'the label "-app"'],
    ['app..example.com', 'the label ""'],
    [`${'a'.repeat(64)}.example.com`, 'must be 1-63 letters'],
    [`${'a.'.repeat(127)}com`, 'is 257 characters long; a host name has at most 253.'],
    ['10.0.0.1', 'looks like an IP address'],
  ]],
  ['checkHostedZoneId', checkHostedZoneId, [
    ['Z0123456789ABCDEFGHIJ', undefined],
    ['Z123456', undefined],
    ['/hostedzone/Z123456', 'give the id without the "/hostedzone/" prefix ("Z123456").'],
    ['z123456', '"z123456" is not a Route 53 hosted zone id'],
    ['Z12', 'is not a Route 53 hosted zone id'],
    [123, 'must be a Route 53 hosted zone id'],
  ]],
  ['checkVpcId', checkVpcId, [
    ['vpc-0123456789abcdef0', undefined],
    ['vpc-01234567', undefined],
    ['vpc-0123456', '"vpc-0123456" is not a vpc id: "vpc-" followed by 8 or 17 lowercase hex digits'],
    ['vpc-0123456789ABCDEF0', 'is not a vpc id'],
    ['subnet-01234567', 'is not a vpc id'],
    [undefined, 'undefined is not a vpc id'],
  ]],
  ['checkSubnetId', checkSubnetId, [
    ['subnet-0123456789abcdef0', undefined],
    ['subnet-0123456789abcdef', 'is not a subnet id'],
  ]],
  ['checkVpcEndpointId', checkVpcEndpointId, [
    ['vpce-0123456789abcdef0', undefined],
    ['vpc-0123456789abcdef0', 'is not a vpce id'],
  ]],
  ['checkSubnetIds', checkSubnetIds, [
    [['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], undefined],
    ['subnet-0123456789abcdef0', 'must be a list of subnet ids'],
    [['subnet-0123456789abcdef0'], 'needs at least two subnets in different availability zones (got 1)'],
    [[], 'needs at least two subnets'],
    // Of two, the one that is wrong is named.
    [['subnet-0123456789abcdef0', 'subnet-nope'], '"subnet-nope" is not a subnet id'],
    [['subnet-0123456789abcdef0', 'subnet-0123456789abcdef0'], 'lists "subnet-0123456789abcdef0" twice'],
  ]],
  ['checkCidr', checkCidr, [
    ['10.0.0.0/8', undefined],
    ['192.168.1.0/24', undefined],
    ['10.1.2.3/32', undefined],
    ['fd00::/8', undefined],
    ['2001:db8::/32', undefined],
    ['::ffff:10.0.0.0/104', undefined],
    ['10.0.0.0', '"10.0.0.0" is not a CIDR: an IPv4 or IPv6 address, "/" and a prefix length, e.g. "10.0.0.0/8".'],
    ['10.0.0.0/33', 'is not a CIDR'],
    ['10.0.0.0/08', 'is not a CIDR'],
    ['fe80::1%eth0/64', 'is not a CIDR'],
    ['2001:db8::/129', 'is not a CIDR'],
    ['300.0.0.0/8', 'is not a CIDR'],
    [8, 'must be a CIDR'],
    ['0.0.0.0/0', 'would open the app to the whole internet'],
    ['::/0', 'would open the app to the whole internet'],
    // Host bits set: the network it meant, computed.
    ['10.1.2.3/8', '"10.1.2.3/8" has host bits set; the network is "10.0.0.0/8".'],
    ['172.16.0.1/12', 'the network is "172.16.0.0/12"'],
    ['192.168.1.130/25', 'the network is "192.168.1.128/25"'],
    ['2001:db8::1/32', 'the network is "2001:db8::/32"'],
    ['fd12:3456:789a:1::1/48', 'the network is "fd12:3456:789a::/48"'],
    ['2001:db8:0:0:1:0:0:1/80', 'the network is "2001:db8:0:0:1::/80"'],
  ]],
  ['checkCorporateCidrs', checkCorporateCidrs, [
    [['10.0.0.0/8', '172.16.0.0/12'], undefined],
    [[], 'needs at least one on-premises CIDR'],
    ['10.0.0.0/8', 'needs at least one on-premises CIDR'],
    [['10.0.0.0/8', '0.0.0.0/0'], '"0.0.0.0/0" would open the app to the whole internet'],
    [['10.0.0.0/8', '172.16.0.1/12'], '"172.16.0.1/12" has host bits set'],
    [['10.0.0.0/8', '10.0.0.0/8'], 'lists "10.0.0.0/8" twice.'],
  ]],
  ['checkAccount', checkAccount, [
    ['123456789012', undefined],
    ['12345678901', '"12345678901" is not an AWS account id: exactly 12 digits'],
    [123456789012, '123456789012 is not an AWS account id'],
    ['1234-5678-9012', 'is not an AWS account id'],
  ]],
  ['checkRegion', checkRegion, [
    ['eu-west-1', undefined],
    ['us-gov-west-1', undefined],
    ['cn-north-1', undefined],
    ['eusc-de-east-1', undefined],
    ['eu-wst-1', '"eu-wst-1" is not an AWS region. Did you mean "eu-west-1"? Examples:'],
    ['EU-WEST-1', 'Did you mean "eu-west-1"?'],
    ['mars-1', '"mars-1" is not an AWS region. Examples: "eu-west-1", "us-east-1".'],
    [undefined, 'undefined is not an AWS region.'],
  ]],
  ['checkOneOf', checkOneOf(['alb-lambda', 'apigw-vpce']), [
    ['alb-lambda', undefined],
    ['alb-lamda', '"alb-lamda" is not one of "alb-lambda", "apigw-vpce". Did you mean "alb-lambda"?'],
    [1, '1 is not one of'],
  ]],
  ['checkBoolean', checkBoolean, [
    [true, undefined],
    [false, undefined],
    ['yes', '"yes" must be true or false.'],
    [null, 'null must be true or false.'],
  ]],
  ['checkCertificateArn', checkCertificateArn('eu-west-1', '111122223333'), [
    ['arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012', undefined],
    ['arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
      'is in us-east-1, but the app deploys to eu-west-1: a load balancer can only use a certificate from its own region.'],
    ['arn:aws:acm:eu-west-1:999988887777:certificate/12345678-1234-1234-1234-123456789012',
      'belongs to account 999988887777, but the app deploys to 111122223333'],
    ['arn:aws-cn:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012', 'should use the partition "aws"'],
    ['arn:aws:acm:eu-west-1:111122223333:certificate/nope', 'expected "arn:aws:acm:eu-west-1:111122223333:certificate/<certificate id>"'],
    [undefined, 'must be an ACM certificate ARN'],
  ]],
  ['checkCertificateArn in China', checkCertificateArn('cn-north-1', '111122223333'), [
    ['arn:aws-cn:acm:cn-north-1:111122223333:certificate/12345678-1234-1234-1234-123456789012', undefined],
    ['arn:aws:acm:cn-north-1:111122223333:certificate/12345678-1234-1234-1234-123456789012', 'should use the partition "aws-cn"'],
  ]],
  ['checkHandlerEgress', checkHandlerEgress, [
    [undefined, undefined],
    [['10.20.0.0/16:5432', '10.30.0.0/24:8080-8089'], undefined],
    ['10.20.0.0/16:5432', 'must be a list of destinations'],
    [['10.20.0.0/16'], '"10.20.0.0/16" is not a destination: a CIDR, ":" and a port or a port range from 1 to 65535'],
    [['10.20.0.0/16:0'], 'is not a destination'],
    [['10.20.0.0/16:99999'], 'is not a destination'],
    [['10.20.0.0/16:90-80'], 'is not a destination'],
    [['0.0.0.0/0:443'], '"0.0.0.0/0:443" would let the function send anywhere'],
    [['10.20.0.1/16:5432'], '"10.20.0.1/16:5432" is not a destination: "10.20.0.1/16" has host bits set'],
    [['10.20.0.0/16:5432', '10.20.0.0/16:5432'], 'lists "10.20.0.0/16:5432" twice.'],
  ]],
  ['checkReservedConcurrency', checkReservedConcurrency, [
    [undefined, undefined],
    [1, undefined],
    [100_000, undefined],
    [0, '0 is not a number of concurrent executions: a whole number from 1'],
    [1.5, 'is not a number of concurrent executions'],
    [100_001, 'is not a number of concurrent executions'],
    ['20', '"20" is not a number of concurrent executions'],
  ]],
  ['checkEnvironmentName', checkEnvironmentName, [
    ['dev', undefined],
    ['prod-eu-1', undefined],
    ['Prod', '"Prod" is not an environment name: lowercase letters, digits and hyphens'],
    ['1st', 'is not an environment name'],
    ['dev-', 'is not an environment name'],
    ['a'.repeat(17), 'is not an environment name'],
  ]],
  ['checkQualifier', checkQualifier, [
    ['hnb659fds', undefined],
    ['team1', undefined],
    ['Team1', '"Team1" is not a bootstrap qualifier: 1 to 10 lowercase letters or digits'],
    ['a'.repeat(11), 'is not a bootstrap qualifier'],
    ['', 'is not a bootstrap qualifier'],
  ]],
  ['checkDeployRoleArn', checkDeployRoleArn('111122223333'), [
    ['arn:aws:iam::111122223333:role/github-deploy', undefined],
    ['arn:aws:iam::111122223333:role/path/to/deploy', undefined],
    ['arn:aws:iam::999988887777:role/github-deploy', 'is in account 999988887777, but the environment deploys to 111122223333'],
    ['github-deploy', 'is not an IAM role ARN such as "arn:aws:iam::111122223333:role/github-deploy"'],
    ['arn:aws:iam::111122223333:user/ci', 'is not an IAM role ARN'],
  ]],
  ['checkPermissionsBoundary', checkPermissionsBoundary('111122223333'), [
    ['acme-boundary', undefined],
    ['arn:aws:iam::111122223333:policy/acme-boundary', undefined],
    ['arn:aws:iam::111122223333:policy/landing-zone/acme-boundary', undefined],
    ['arn:aws:iam::${AWS::AccountId}:policy/acme-boundary', undefined],
    ['arn:aws-us-gov:iam::111122223333:policy/acme-boundary', undefined],
    ['arn:aws:iam::999988887777:policy/acme-boundary', 'is in account 999988887777, but the environment deploys to 111122223333'],
    ['arn:aws:iam::111122223333:role/acme-boundary', '"arn:aws:iam::111122223333:role/acme-boundary" is not a managed policy ARN'],
    ['acme boundary', '"acme boundary" is not a managed policy name'],
    ['a'.repeat(129), 'is not a managed policy name'],
    ['', 'must be a managed policy\'s name or ARN'],
    [42, 'must be a managed policy\'s name or ARN'],
  ]],
  ['checkTags', checkTags, [
    [{ 'cost-centre': '4711', 'owner': 'orders-team' }, undefined],
    [{ 'data:class': 'internal', 'Owner Email': 'team@example.com' }, undefined],
    [{ empty: '' }, undefined],
    [{}, undefined],
    [['cost-centre'], 'must be an object of tag names and values'],
    ['cost-centre=4711', 'must be an object of tag names and values'],
    [{ 'aws:owner': 'x' }, 'the tag name "aws:owner" starts with "aws:"'],
    [{ 'AWS:owner': 'x' }, 'starts with "aws:"'],
    [{ 'cost<centre>': '1' }, 'the tag name "cost<centre>" is not valid'],
    [{ ['k'.repeat(129)]: '1' }, 'is not valid: 1 to 128'],
    [{ owner: 42 }, 'the value of the tag "owner" must be a string'],
    [{ owner: 'v'.repeat(257) }, 'must be a string of at most 256'],
    [Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`t${i}`, 'x'])), 'has 41 tags'],
  ]],
  ['checkHttpsUrl', checkHttpsUrl, [
    ['https://login.example.com/oauth2/v1/token', undefined],
    ['https://login.example.com:8443/token?x=1', undefined],
    ['', 'must be an https URL'],
    ['http://login.example.com/token', '"http://login.example.com/token" must use https'],
    ['https://login.example.com/a b', 'no spaces, quotes or control characters'],
    ['https://login.example.com/\u0015', 'no spaces, quotes or control characters'],
    ['https://user:pw@login.example.com/token', 'must not carry a user name or password'],
    ['https://login.example.com/token#x', 'must not have a fragment'],
    ['https://10.0.0.1/token', 'needs a host name such as "login.example.com" (not an IP address)'],
    ['https://localhost/token', 'needs a host name'],
    ['login.example.com/token', 'is not a URL'],
  ]],
  ['checkIssuer', checkIssuer, [
    ['https://login.microsoftonline.com/tenant/v2.0', undefined],
    ['https://idp.example.com/?tenant=1', 'must not have a query ("?…")'],
    ['', 'e.g. "https://login.microsoftonline.com/<tenant id>/v2.0"'],
  ]],
  ['checkClientId', checkClientId, [
    ['0oa1b2c3d4e5f6g7h8i9', undefined],
    ['orders app', '"orders app" is not a client id: 1 to 255 visible characters, no spaces'],
    ['', 'is not a client id'],
    ['x'.repeat(256), 'is not a client id'],
  ]],
  ['checkSecretReference', checkSecretReference('eu-west-1'), [
    ['orders/oidc-client-secret', undefined],
    ['OrdersOidcClientSecret2024', undefined],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/oidc-AbCdEf', undefined],
    ['', 'must be the name or ARN of a Secrets Manager secret'],
    // A value, not a name: long, mixed case and digits, switching between them most of the time.
    ['aB3dE5gH7jK9mN1pQ3sT5vX7zA9', 'looks like a secret\'s value, not its name. The secret itself never goes in .projenrc.ts'],
    ['Zx8Q~k2LmNoPqRsTuVwXyZ01234', 'is not a Secrets Manager secret name'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf', 'is in us-east-1, but the environment deploys to eu-west-1'],
    ['arn:aws-cn:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf', 'should use the partition "aws"'],
    ['arn:aws:s3:::bucket', 'is not a Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:'],
  ]],
  ['checkScope', checkScope, [
    ['openid email profile', undefined],
    ['openid', undefined],
    ['email profile', '"email profile" must include "openid", e.g. "openid email profile".'],
    ['openid  email', 'words separated by single spaces'],
    ['openid "x"', 'is not a list of scopes'],
  ]],
  ['checkSessionTimeout', checkSessionTimeout, [
    [1, undefined],
    [604_800, undefined],
    [0, '0 is not a session timeout: whole seconds from 1 to 604800 (7 days)'],
    [604_801, 'is not a session timeout'],
    ['3600', 'is not a session timeout'],
  ]],
  ['checkProviderCidrs', checkProviderCidrs, [
    [['10.50.0.0/16'], undefined],
    [[], 'leave it out to allow 443 anywhere'],
    [['0.0.0.0/0'], '"0.0.0.0/0" is anywhere: leave providerCidrs out for that.'],
    [['10.50.0.1/16'], 'has host bits set'],
    [['10.50.0.0/16', '10.50.0.0/16'], 'lists "10.50.0.0/16" twice.'],
  ]],
];

describe.each(TABLES)('%s', (_, check, rows) => {
  test.each(rows)('%j', (value, says) => {
    const message = check(value);
    if (says === undefined) expect(message).toBeUndefined();
    else expect(message).toContain(says);
  });
});

describe('checkSwitchedOffCheck', () => {
  test.each<[unknown, unknown[], { field?: string; message: string } | undefined]>([
    [{ id: 'alb-deletion-protection', reason: 'a short-lived demo environment' }, [], undefined],
    [{ id: 'alb-deletion-protectoin', reason: 'a short-lived demo environment' }, [],
      { field: 'id', message: expect.stringContaining('"alb-deletion-protectoin" is not a managed check. Did you mean "alb-deletion-protection"?') }],
    [{ id: 'alb-deletion-protection', reason: 'demo' }, [],
      { field: 'reason', message: 'give the reason this app does without the check, in one line of 10 characters or more.' }],
    [{ id: 'alb-deletion-protection', reason: 'a demo\nfor now, really' }, [], expect.objectContaining({ field: 'reason' })],
    [{ id: 'alb-deletion-protection', reason: 'a short-lived demo environment' }, [{ id: 'alb-deletion-protection' }],
      { field: 'id', message: '"alb-deletion-protection" is switched off twice; keep one entry.' }],
    ['alb-deletion-protection', [], { message: expect.stringContaining('must be { id: \'<check id>\'') }],
  ])('%j after %j', (entry, earlier, problem) => {
    expect(checkSwitchedOffCheck(entry, earlier)).toEqual(problem);
  });
});

describe('checkAuth', () => {
  const auth = {
    issuer: 'https://idp.example.com',
    authorizationEndpoint: 'https://idp.example.com/authorize',
    tokenEndpoint: 'https://idp.example.com/token',
    userInfoEndpoint: 'https://idp.example.com/userinfo',
    clientId: 'orders',
    clientSecret: 'orders/oidc',
  };
  test.each<[unknown, Array<{ field?: string; message: string }>]>([
    [undefined, []],
    [false, []],
    [auth, []],
    [{ ...auth, scope: 'openid', sessionTimeout: 60, providerCidrs: ['10.50.0.0/16'] }, []],
    [true, [{ message: expect.stringContaining('true must be false (no sign-in) or the provider\'s details') }]],
    [{ ...auth, clientSecret: undefined }, [{ field: 'clientSecret', message: 'is required: find it in the provider\'s registration of the app.' }]],
    [{ ...auth, sesionTimeout: 60 }, [{ field: 'sesionTimeout', message: expect.stringContaining('is not a field of auth. Did you mean "sessionTimeout"?') }]],
    [{ ...auth, tokenEndpoint: 'http://idp.example.com/token', scope: 'email' }, [
      { field: 'tokenEndpoint', message: expect.stringContaining('must use https') },
      { field: 'scope', message: expect.stringContaining('must include "openid"') },
    ]],
    [{ ...auth, clientSecret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf' },
      [{ field: 'clientSecret', message: expect.stringContaining('is in us-east-1, but the environment deploys to eu-west-1') }]],
  ])('%j', (value, problems) => {
    expect(checkAuth(value, 'eu-west-1')).toEqual(problems);
  });
});

test.each([
  ['eu-west-1', 'aws'], ['us-gov-west-1', 'aws-us-gov'], ['cn-northwest-1', 'aws-cn'], ['eusc-de-east-1', 'aws-eusc'],
])('partitionOf(%j)', (region, partition) => expect(partitionOf(region)).toBe(partition));

test.each([
  ['10.20.0.0/16:5432', { cidr: '10.20.0.0/16', fromPort: 5432, toPort: 5432 }],
  ['10.30.0.0/24:8080-8089', { cidr: '10.30.0.0/24', fromPort: 8080, toPort: 8089 }],
  ['fd00::/8:443', { cidr: 'fd00::/8', fromPort: 443, toPort: 443 }],
  ['10.20.0.0/16', undefined],
  ['10.20.0.0/16:0', undefined],
  ['10.20.0.0/16:65536', undefined],
  ['10.20.0.0/16:9-8', undefined],
])('parseDestination(%j)', (value, destination) => expect(parseDestination(value)).toEqual(destination));

test.each([
  ['My App', 'my-app'], ['  Intranet  API ', 'intranet-api'], ['.hidden', 'hidden'], ['a__b', 'a__b'], ['日本', ''], ['x--', 'x'],
])('toValidProjectName(%j)', (name, valid) => expect(toValidProjectName(name)).toBe(valid));

test('editDistance, closest and didYouMean find a likely typo, and nothing far off', () => {
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(closest('domian', ['domain', 'region'])).toBe('domain');
  expect(closest('xyz', ['domain', 'region'])).toBeUndefined();
  expect(didYouMean('Region', ['region'])).toBe(' Did you mean "region"?');
  expect(didYouMean('completely-else', ['region'])).toBe('');
});

test('show quotes a value without letting control characters through', () => {
  expect(show('a"b\n\u0015')).toBe('"a\\"b\\n\\u0015"');
  expect(show(undefined)).toBe('undefined');
  expect(show([1, 'x'])).toBe('[1,"x"]');
});
