import './setup';
import { generateKeyPairSync } from 'node:crypto';
import { bearerToken, MachineTokenVerifier, OIDC_DATA_HEADER } from '../../src/runtime/auth';
import { createApp, toLambdaHandler } from '../../src/runtime/http';
import { albEvent, apigwEvent } from '../../src/testing/events';
import { LocalMachineIssuer } from '../../src/testing/machine';
import { LocalSignIn } from '../../src/testing/sign-in';

// Machine callers: a bearer token the load balancer verified reaches the handler, which verifies it again (RS256 with
// the provider's key set, iss, aud, exp, nbf, iat) and gives handlers the same `c.var.user` shape as a person's.
const SIGNER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/50dc6c495c0c9188';
const ISSUER = 'https://auth.services.example.com';

let issuer: LocalMachineIssuer;
let signIn: LocalSignIn;
beforeAll(async () => {
  issuer = await LocalMachineIssuer.start({ issuer: ISSUER, audience: 'api://orders', claims: [{ name: 'scope', format: 'space-separated-values', values: ['orders.read'] }] });
  signIn = await LocalSignIn.start({ signer: SIGNER, issuer: 'https://login.example.com', clientId: 'orders-app' });
});
afterAll(async () => {
  await issuer.close();
  await signIn.close();
});
beforeEach(() => {
  Object.assign(process.env, signIn.environment, issuer.environment);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  for (const name of ['HYBRID_AUTH_SIGNER', 'HYBRID_AUTH_KEYS_URL', 'HYBRID_MACHINE_ISSUER', 'HYBRID_MACHINE_JWKS_URL', 'HYBRID_MACHINE_AUDIENCE']) delete process.env[name];
  jest.restoreAllMocks();
});

function handler() {
  return toLambdaHandler(createApp().get('/api/whoami', (c) => c.json({ user: c.var.user ?? null })));
}
async function call(headers: Record<string, string>, shape = albEvent) {
  const result = await handler()(shape({ path: '/api/whoami', headers }));
  return { status: result.statusCode, body: JSON.parse(result.body) };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('machine callers in the handler', () => {
  test('a verified token: c.var.user is the machine, in the same shape as a person (ALB and API Gateway events)', async () => {
    for (const shape of [albEvent, apigwEvent]) {
      const { status, body } = await call(bearer(issuer.token('billing-service')), shape);
      expect(status).toBe(200);
      expect(body.user).toEqual({
        kind: 'machine',
        subject: 'billing-service',
        claims: expect.objectContaining({ iss: ISSUER, aud: 'api://orders', scope: 'orders.read', sub: 'billing-service' }),
      });
    }
    const person = await call(await signIn.headers({ sub: 'ada', email: 'ada@example.com', name: 'Ada Lovelace' }));
    expect(person.body.user).toEqual({ kind: 'person', subject: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', claims: expect.any(Object) });
    expect(Object.keys(person.body.user).filter((key) => !['email', 'name'].includes(key)).sort())
      .toEqual(Object.keys((await call(bearer(issuer.token('x')))).body.user).sort());
  });

  test.each<[string, () => string]>([
    ['another issuer', () => issuer.token('s', { claims: { iss: 'https://evil.example.com' } })],
    ['another audience', () => issuer.token('s', { claims: { aud: 'api://other' } })],
    ['no audience', () => issuer.token('s', { claims: { aud: undefined } })],
    ['expired', () => issuer.token('s', { expiresIn: -120 })],
    ['not valid yet', () => issuer.token('s', { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } })],
    ['issued in the future', () => issuer.token('s', { claims: { iat: Math.floor(Date.now() / 1000) + 600 } })],
    ['signed with another key', () => issuer.token('s', { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iss":"${ISSUER}","sub":"s"}`).toString('base64url')}.`],
    ['HS256 with the public key as secret', () => {
      const token = issuer.token('s');
      const [, claims, signature] = token.split('.');
      return `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${claims}.${signature}`;
    }],
    ['a tampered claim', () => {
      const [header, , signature] = issuer.token('s').split('.');
      const claims = Buffer.from(JSON.stringify({ iss: ISSUER, aud: 'api://orders', sub: 'admin', exp: 9999999999 })).toString('base64url');
      return `${header}.${claims}.${signature}`;
    }],
    ['no subject at all', () => issuer.token('s', { claims: { sub: undefined } })],
    ['not a JWT', () => 'abc'],
  ])('refused with 401: %s', async (_what, token) => {
    const { status, body } = await call(bearer(token()));
    expect([status, body]).toEqual([401, { error: 'Sign-in required' }]);
  });

  test('a bearer token wins over a forged sign-in header: a machine request is verified as a machine, never as a person', async () => {
    const forged = await call({ ...bearer('forged'), ...await signIn.headers({ sub: 'ada' }) });
    expect(forged.status).toBe(401);
    // Without a bearer token, the person's sign-in as before.
    expect((await call({ [OIDC_DATA_HEADER]: (await signIn.headers({ sub: 'ada' }))[OIDC_DATA_HEADER] })).body.user.kind).toBe('person');
  });

  test('machine callers off: the Authorization header is not read; the sign-in decides', async () => {
    for (const name of ['HYBRID_MACHINE_ISSUER', 'HYBRID_MACHINE_JWKS_URL', 'HYBRID_MACHINE_AUDIENCE']) delete process.env[name];
    expect((await call(bearer(issuer.token('billing')))).status).toBe(401);
    expect((await call({ ...bearer(issuer.token('billing')), ...await signIn.headers({ sub: 'ada' }) })).body.user.subject).toBe('ada');
  });

  test('the key set is fetched once and kept; a key set that cannot be had is 503, not 401', async () => {
    const verifier = new MachineTokenVerifier({ issuer: ISSUER, jwksUrl: issuer.jwksUrl, audience: 'api://orders' });
    const before = issuer.keySetRequests;
    for (let i = 0; i < 5; i++) await expect(verifier.verify(issuer.token(`s${i}`))).resolves.toMatchObject({ kind: 'machine', subject: `s${i}` });
    expect(issuer.keySetRequests - before).toBe(1);
    // A flood of unknown key ids is not a flood of fetches.
    const [, claims, signature] = issuer.token('s').split('.');
    const unknown = `${Buffer.from('{"alg":"RS256","kid":"other"}').toString('base64url')}.${claims}.${signature}`;
    for (let i = 0; i < 5; i++) await expect(verifier.verify(unknown)).rejects.toThrow(/key id other is not in the key set/);
    expect(issuer.keySetRequests - before).toBe(1);
    const down = new MachineTokenVerifier({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/jwks.json' }, { fetchTimeoutMs: 500 });
    await expect(down.verify(issuer.token('s'))).rejects.toMatchObject({ status: 503 });
  });

  test('an aud list holding the audience is accepted; the Bearer scheme in any case; nothing else is a bearer token', async () => {
    const verifier = new MachineTokenVerifier({ issuer: ISSUER, jwksUrl: issuer.jwksUrl, audience: 'api://orders' });
    await expect(verifier.verify(issuer.token('s', { claims: { aud: ['api://other', 'api://orders'] } }))).resolves.toMatchObject({ subject: 's' });
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('the local stand-in for the load balancer\'s JWT verification', () => {
  test('forwards a good token; names why it refuses each bad one', () => {
    expect(issuer.check(issuer.token('s'))).toBeUndefined();
    expect(issuer.check(issuer.token('s', { claims: { scope: 'orders.write orders.read' } }))).toBeUndefined();
    expect(issuer.check(issuer.token('s', { claims: { scope: 'orders.write' } }))).toMatch(/claim scope/);
    expect(issuer.check(issuer.token('s', { claims: { aud: 'api://other' } }))).toMatch(/claim aud/);
    expect(issuer.check(issuer.token('s', { expiresIn: -1 }))).toMatch(/expired/);
    expect(issuer.check(issuer.token('s', { claims: { iss: 'https://other.example.com' } }))).toMatch(/issuer/);
    expect(issuer.check(issuer.token('s', { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }))).toBe('bad signature');
    expect(issuer.check('x.y')).toBe('not a JWT');
  });
});
