import type * as dns from 'dns';
import * as net from 'net';
import { discoveryDocument, LocalProvider, startProvider } from './provider';
import { discover, discoveryUrl, endpointsOf, proxyFor } from '../../src/cli/discovery';

/** Resolves the provider's host name to 127.0.0.1, as a corporate DNS would resolve it to the provider. */
const toLoopback: net.LookupFunction = (_hostname, options, callback) => {
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

let provider: LocalProvider;
beforeAll(async () => { provider = await startProvider(); });
afterAll(() => provider.close());
beforeEach(() => provider.answer({ body: discoveryDocument(provider.issuer) }));

/** Straight to the provider (its host name resolved to 127.0.0.1, its certificate trusted), no proxy. */
const direct = (issuer: string, timeoutMs?: number) => discover(issuer, {
  env: {},
  ca: provider.ca,
  timeoutMs,
  lookup: toLoopback,
});

test('the document is read from <issuer>/.well-known/openid-configuration, and its endpoints offered', async () => {
  // Port 443 is not ours to listen on: the provider's port goes in the issuer here.
  const issuer = provider.issuer.replace(provider.host, `${provider.host}:${provider.port}`);
  provider.answer({ body: discoveryDocument(issuer) });
  const result = await direct(issuer);
  expect(result).toEqual({
    url: `${issuer}/.well-known/openid-configuration`,
    endpoints: {
      issuer,
      authorizationEndpoint: `${issuer}/v1/authorize`,
      tokenEndpoint: `${issuer}/v1/token`,
      userInfoEndpoint: `${issuer}/v1/userinfo`,
    },
  });
  expect(provider.requests.at(-1)).toBe('/oauth2/default/.well-known/openid-configuration');
});

test('through HTTPS_PROXY (CONNECT), and not for a host NO_PROXY lists', async () => {
  const result = await discover(provider.issuer, { env: { HTTPS_PROXY: provider.proxy }, ca: provider.ca });
  expect(result.endpoints?.tokenEndpoint).toBe(`${provider.issuer}/v1/token`);
  const exempt = await discover(provider.issuer, { env: { HTTPS_PROXY: provider.proxy, NO_PROXY: 'localhost,.example.test' }, ca: provider.ca, lookup: toLoopback });
  // Straight to port 443 on 127.0.0.1, where nothing listens.
  expect(exempt.problem).toBe('the connection was refused');
});

describe.each([
  ['a 404', { status: 404, body: 'not here' }, 'it answered 404 Not Found'],
  ['not JSON', { body: '<html>sign in</html>' }, 'it is not JSON'],
  ['a list', { body: [] }, 'it is not a JSON object'],
  ['another issuer', { body: discoveryDocument('https://other.example.test') }, 'it names the issuer "https://other.example.test", not the one typed'],
  ['an http endpoint', { body: { ...discoveryDocument('ISSUER'), token_endpoint: 'http://idp.example.test/token' } },
    'its token_endpoint is not usable: "http://idp.example.test/token" must use https: the load balancer talks to the provider over TLS only'],
  ['no token endpoint', { body: { ...discoveryDocument('ISSUER'), token_endpoint: undefined } }, 'its token_endpoint is not usable: must be an https URL'],
  ['a document too large', { body: { ...discoveryDocument('ISSUER'), padding: 'x'.repeat(300 * 1024) } }, 'it is larger than 256 KiB'],
])('a provider that answers %s', (_, answer, problem) => {
  test('is a reason, not an error: the endpoints are typed by hand', async () => {
    provider.answer(JSON.parse(JSON.stringify(answer).replace(/ISSUER/g, provider.issuer)));
    const result = await discover(provider.issuer, { env: { HTTPS_PROXY: provider.proxy }, ca: provider.ca });
    expect(result.endpoints).toBeUndefined();
    expect(result.problem).toContain(problem);
  });
});

test('offline-safe: an unknown host, an untrusted certificate, no answer, an unreachable proxy', async () => {
  expect((await discover('https://idp.nowhere.invalid', { env: {} })).problem).toMatch(/^the host name was not found \((ENOTFOUND|EAI_AGAIN); offline\?\)$/);
  expect((await discover(provider.issuer, { env: { HTTPS_PROXY: provider.proxy } })).problem)
    .toMatch(/^its certificate is not trusted here \([A-Z_]+\); NODE_EXTRA_CA_CERTS=<your CA bundle> makes Node.js trust your company's CA$/);
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const started = Date.now();
    expect((await discover(`https://${provider.host}:${port}`, { env: {}, lookup: toLoopback, timeoutMs: 300 })).problem).toBe('no answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    silent.close();
  }
  expect((await discover(provider.issuer, { env: { HTTPS_PROXY: 'http://127.0.0.1:9' } })).problem).toMatch(/^the proxy 127\.0\.0\.1:9 could not be reached \(ECONNREFUSED\)$/);
});

test.each([
  ['https://idp.example.com', 'https://idp.example.com/.well-known/openid-configuration'],
  ['https://idp.example.com/', 'https://idp.example.com/.well-known/openid-configuration'],
  ['https://login.microsoftonline.com/tenant/v2.0', 'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration'],
])('discoveryUrl(%j)', (issuer, url) => expect(discoveryUrl(issuer)).toBe(url));

test('a final "/" of difference in the issuer is taken as the document has it', () => {
  expect(endpointsOf(discoveryDocument('https://idp.example.com'), 'https://idp.example.com/'))
    .toMatchObject({ issuer: 'https://idp.example.com' });
  expect(endpointsOf({ ...discoveryDocument('https://idp.example.com'), userinfo_endpoint: undefined }, 'https://idp.example.com'))
    .not.toHaveProperty('userInfoEndpoint');
});

test.each([
  [{}, 'idp.example.com', undefined],
  [{ HTTPS_PROXY: 'http://proxy:3128' }, 'idp.example.com', 'http://proxy:3128/'],
  [{ https_proxy: 'proxy:3128' }, 'idp.example.com', 'http://proxy:3128/'],
  [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'example.com' }, 'idp.example.com', undefined],
  [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.example.com' }, 'example.com', undefined],
  [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'ample.com' }, 'idp.example.com', 'http://proxy:3128/'],
  [{ HTTPS_PROXY: 'http://proxy:3128', no_proxy: '*' }, 'idp.example.com', undefined],
])('proxyFor(%j, %j)', (env, host, proxy) => expect(proxyFor(host, env)?.href).toBe(proxy));
