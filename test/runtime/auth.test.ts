import './setup';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlbTokenVerifier, OIDC_DATA_HEADER, SignInError } from '../../src/runtime/auth';
import { createApp, LambdaHttpEvent, toLambdaHandler } from '../../src/runtime/http';
import { logger } from '../../src/runtime/observability';
import { albEvent, apigwEvent, EventOptions } from '../../src/testing/events';
import { LocalSignIn } from '../../src/testing/sign-in';

// Sign-in at the load balancer: the handler verifies `x-amzn-oidc-data` against a local stand-in for
// the load balancer (an ES256 key pair, its public key served on 127.0.0.1 by `kid`), with tokens
// shaped as the load balancer makes them: `=` padding on each segment, `signer` and `exp` in the header.
const SIGNER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/50dc6c495c0c9188';
const USER = { sub: '8d5f0c1e-user', email: 'ada@example.com', name: 'Ada Lovelace', groups: ['orders-admin'] };

let signIn: LocalSignIn;
beforeAll(async () => {
  signIn = await LocalSignIn.start({ signer: SIGNER, issuer: 'https://login.example.com', clientId: 'orders-app' });
});
afterAll(() => signIn.close());

// Sign-in on, as `PrivateApp` sets it on the function; each test gets its own app (and key cache).
beforeEach(() => {
  Object.assign(process.env, signIn.environment);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  delete process.env.HYBRID_AUTH_SIGNER;
  delete process.env.HYBRID_AUTH_KEYS_URL;
  jest.restoreAllMocks();
});

function handler() {
  return toLambdaHandler(createApp()
    .get('/api/whoami', (c) => c.json({ user: c.var.user ?? null }))
    .get('/api/health', (c) => c.json({ status: 'ok', user: c.var.user ?? null })));
}

/** A request to `/api/whoami` with the token, if any, in `x-amzn-oidc-data`. */
function request(token?: string, shape: (options: EventOptions) => LambdaHttpEvent = albEvent, path = '/api/whoami') {
  return shape({ path, headers: token === undefined ? {} : { [OIDC_DATA_HEADER]: token } });
}

function segment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decoded(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, claims };
}

async function expectRefused(token: string | undefined, reason: RegExp): Promise<void> {
  const result = await handler()(request(token));
  expect([result.statusCode, JSON.parse(result.body)]).toEqual([401, { error: 'Sign-in required' }]);
  await expect(verify(token ?? '')).rejects.toThrow(reason);
}

function verify(token: string): Promise<unknown> {
  return new AlbTokenVerifier({ signer: SIGNER, keysUrl: signIn.keysUrl }).verify(token);
}

describe.each([['a load balancer event', albEvent], ['an API Gateway event', apigwEvent]])('with %s', (_title, shape) => {
  test('a valid token gives handlers the user', async () => {
    const result = await handler()(request(await signIn.token(USER), shape));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).user).toEqual({
      kind: 'person',
      subject: USER.sub,
      email: USER.email,
      name: USER.name,
      claims: expect.objectContaining({ sub: USER.sub, groups: ['orders-admin'], iss: 'https://login.example.com' }),
    });
  });

  test('no token is a 401 in the API\'s error shape', async () => {
    const result = await handler()(request(undefined, shape));
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([401, { error: 'Sign-in required' }]);
  });
});

describe('the token', () => {
  test('is the load balancer\'s: padded, and signed over its segments as sent', async () => {
    const token = await signIn.token(USER);
    expect(token.split('.').some((part) => part.endsWith('='))).toBe(true);
    // Stripping the padding changes the signed input: a strict decoder's "fix" would not verify.
    await expect(verify(token.replace(/=/g, ''))).rejects.toThrow('signature does not verify');
    await expect(verify(token)).resolves.toMatchObject({ subject: USER.sub });
  });

  test('without padding (a strict JWS) is accepted too', async () => {
    const token = await signIn.token(USER, { padded: false });
    expect(token).not.toContain('=');
    await expect(verify(token)).resolves.toMatchObject({ subject: USER.sub });
  });

  test('with a name in given_name and family_name only, or none', async () => {
    const split = await verify(await signIn.token({ sub: 'u2', given_name: 'Grace', family_name: 'Hopper' }));
    expect(split).toMatchObject({ subject: 'u2', name: 'Grace Hopper', email: undefined });
    expect(await verify(await signIn.token({ sub: 'u3' }))).toMatchObject({ subject: 'u3', name: undefined });
  });

  test('tampered claims are refused', async () => {
    const [header, , signature] = (await signIn.token(USER)).split('.');
    await expectRefused(`${header}.${segment({ ...USER, sub: 'someone-else' })}.${signature}`, /signature does not verify/);
  });

  test('a tampered header is refused', async () => {
    const token = await signIn.token(USER);
    const [, claims, signature] = token.split('.');
    const header = segment({ ...decoded(token).header, exp: Math.floor(Date.now() / 1000) + 3600 });
    await expectRefused(`${header}.${claims}.${signature}`, /signature does not verify/);
  });

  test('signed with another key under the served kid is refused', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expectRefused(await signIn.token(USER, { privateKey }), /signature does not verify/);
  });

  test('expired is refused; a few seconds of clock difference are not', async () => {
    await expectRefused(await signIn.token(USER, { expiresIn: -120 }), /expired/);
    await expect(verify(await signIn.token(USER, { expiresIn: -10 }))).resolves.toMatchObject({ subject: USER.sub });
    // The load balancer's expiry is in the header: checked there too.
    const token = await signIn.token(USER, { header: { exp: Math.floor(Date.now() / 1000) - 120 } });
    await expectRefused(token, /token expired/);
  });

  test('from another load balancer is refused, without asking for its key', async () => {
    const before = signIn.keyRequests;
    const other = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/0123456789abcdef';
    await expectRefused(await signIn.token(USER, { header: { signer: other } }), /signer .* is not this load balancer/);
    await expectRefused(await signIn.token(USER, { header: { signer: undefined } }), /signer undefined is not this load balancer/);
    expect(signIn.keyRequests).toBe(before);
  });

  test('with an unknown kid is refused; a kid that is no plain id is not even looked up', async () => {
    await expectRefused(await signIn.token(USER, { header: { kid: '00000000-0000-0000-0000-000000000000' } }), /unknown key id/);
    const before = signIn.keyRequests;
    for (const kid of ['../../etc/passwd', 'a/b', 'x?y=1', '%2e%2e', '', 42]) {
      await expectRefused(await signIn.token(USER, { header: { kid } }), /malformed key id/);
    }
    expect(signIn.keyRequests).toBe(before);
  });

  test('with alg none, or HS256 keyed with the public key, is refused', async () => {
    const { header, claims } = decoded(await signIn.token(USER));
    const none = `${segment({ ...header, alg: 'none' })}.${segment(claims)}.`;
    await expectRefused(none, /malformed token/);
    await expectRefused(`${none}c2lnbmF0dXJl`, /algorithm not accepted/);
    const input = `${segment({ ...header, alg: 'HS256' })}.${segment(claims)}`;
    const pem = await (await fetch(`${signIn.keysUrl}/${signIn.kid}`)).text();
    await expectRefused(`${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`, /algorithm not accepted/);
  });

  test('that is not a JWT at all is refused', async () => {
    for (const token of ['Bearer abc', 'a.b', 'a.b.c.d', 'x'.repeat(40_000)]) await expectRefused(token, /malformed token/);
  });
});

/**
 * A load balancer of the test's own making, for tokens LocalSignIn does not make (claims of the wrong type,
 * no expiry, a signature in another encoding): its key pair, served by `kid` on 127.0.0.1.
 */
describe('every check of the header and the claims', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'own-key';
  let server: Server;
  let keysUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const known = req.url === `/${kid}`;
      res.writeHead(known ? 200 : 404).end(known ? publicKey.export({ type: 'spki', format: 'pem' }) : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    keysUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const now = () => Math.floor(Date.now() / 1000);
  /** A token as the load balancer signs one, with `header` and `claims` replacing or adding fields (undefined drops one). */
  function signed(header: Record<string, unknown>, claims: Record<string, unknown>, encoding: 'ieee-p1363' | 'der' = 'ieee-p1363'): string {
    const input = `${segment({ typ: 'JWT', kid, alg: 'ES256', signer: SIGNER, exp: now() + 120, ...header })}.${segment({ sub: 'u1', ...claims })}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: encoding }).toString('base64url')}`;
  }
  const verifier = () => new AlbTokenVerifier({ signer: SIGNER, keysUrl });

  test('the token of this stand-in passes (so each refusal below is the one change)', async () => {
    await expect(verifier().verify(signed({}, {}))).resolves.toMatchObject({ subject: 'u1' });
  });

  test('a signature DER-encoded (as OpenSSL writes it), not r || s, is refused', async () => {
    await expect(verifier().verify(signed({}, {}, 'der'))).rejects.toThrow('signature does not verify');
  });

  test('a signature a byte too long or too short is refused', async () => {
    const [header, claims, signature] = signed({}, {}).split('.');
    const bytes = Buffer.from(signature, 'base64url');
    for (const wrong of [Buffer.concat([bytes, Buffer.from([0])]), bytes.subarray(1)]) {
      await expect(verifier().verify(`${header}.${claims}.${wrong.toString('base64url')}`)).rejects.toThrow('signature does not verify');
    }
  });

  test('a token of the right shape but over 32 KB is refused before anything is decoded', async () => {
    const token = signed({}, { padding: 'x'.repeat(33 * 1024) });
    await expect(verifier().verify(token)).rejects.toThrow('malformed token');
  });

  test('a critical header parameter is refused', async () => {
    await expect(verifier().verify(signed({ crit: ['exp'] }, {}))).rejects.toThrow(/critical header parameters/);
  });

  test('a header or claims that are no JSON object are refused', async () => {
    const [, claims, signature] = signed({}, {}).split('.');
    await expect(verifier().verify(`${Buffer.from('{"alg"').toString('base64url')}.${claims}.${signature}`)).rejects.toThrow(/header is not JSON/);
    const input = `${segment({ typ: 'JWT', kid, alg: 'ES256', signer: SIGNER, exp: now() + 120 })}.${Buffer.from('[1]').toString('base64url')}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await expect(verifier().verify(token)).rejects.toThrow(/claims are not a JSON object/);
  });

  test('a token without an expiry, in the header or the claims, is refused', async () => {
    await expect(verifier().verify(signed({ exp: undefined }, {}))).rejects.toThrow('token has no expiry');
    // The claims' expiry alone is enough.
    await expect(verifier().verify(signed({ exp: undefined }, { exp: now() + 60 }))).resolves.toMatchObject({ subject: 'u1' });
    await expect(verifier().verify(signed({ exp: undefined }, { exp: now() - 120 }))).rejects.toThrow('token expired');
  });

  test('the earlier of the two expiries counts, also for a token seen again', async () => {
    await expect(verifier().verify(signed({ exp: now() + 3600 }, { exp: now() - 120 }))).rejects.toThrow('token expired');
    const v = verifier();
    const token = signed({ exp: now() + 3600 }, { exp: now() + 60 });
    await v.verify(token);
    const start = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(start + 91_000);
    await expect(v.verify(token)).rejects.toThrow('token expired');
  });

  test('times that are not numbers are refused', async () => {
    await expect(verifier().verify(signed({ exp: String(now() + 120) }, {}))).rejects.toThrow('"exp" header must be a number');
    await expect(verifier().verify(signed({}, { exp: String(now() + 120) }))).rejects.toThrow('"exp" claim must be a number');
    await expect(verifier().verify(signed({}, { nbf: String(now()) }))).rejects.toThrow('"nbf" claim must be a number');
    await expect(verifier().verify(signed({}, { iat: String(now()) }))).rejects.toThrow('"iat" claim must be a number');
  });

  test('a token not yet valid is refused; a few seconds ahead are not', async () => {
    await expect(verifier().verify(signed({}, { nbf: now() + 120 }))).rejects.toThrow('token is not yet valid');
    await expect(verifier().verify(signed({}, { nbf: now() + 10 }))).resolves.toMatchObject({ subject: 'u1' });
  });

  test('a token without a subject is refused', async () => {
    await expect(verifier().verify(signed({}, { sub: undefined }))).rejects.toThrow('token has no subject');
    await expect(verifier().verify(signed({}, { sub: '' }))).rejects.toThrow('token has no subject');
    await expect(verifier().verify(signed({}, { sub: 42 }))).rejects.toThrow('token has no subject');
  });

  test('is answered at once, without a promise, once the key is known', async () => {
    const v = verifier();
    // The first token of a kid waits for its key.
    const first = v.check(signed({}, { sub: 'first' }));
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toMatchObject({ subject: 'first' });
    const next = v.check(signed({}, { sub: 'next' }));
    expect(next).not.toBeInstanceOf(Promise);
    expect(next).toMatchObject({ subject: 'next' });
    // A refusal is thrown at once too, not a rejected promise.
    expect(() => v.check(signed({}, { sub: 'late' }, 'der'))).toThrow('signature does not verify');
  });
});

describe('a token seen again', () => {
  test('is the user verified the first time, read-only, without a second check', async () => {
    const verifier = new AlbTokenVerifier({ signer: SIGNER, keysUrl: signIn.keysUrl });
    const token = await signIn.token(USER);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.claims) && Object.isFrozen(first.claims.groups)).toBe(true);
    // Another token of the same user is checked on its own.
    expect(await verifier.verify(await signIn.token(USER, { expiresIn: 60 }))).not.toBe(first);
  });

  test('is refused once it expires', async () => {
    const verifier = new AlbTokenVerifier({ signer: SIGNER, keysUrl: signIn.keysUrl });
    const token = await signIn.token(USER, { expiresIn: 60 });
    await verifier.verify(token);
    const now = Date.now();
    // 60 s and the 30 s of clock tolerance later.
    jest.spyOn(Date, 'now').mockReturnValue(now + 91_000);
    await expect(verifier.verify(token)).rejects.toThrow(/token expired/);
  });

  test('is kept for a bounded number of tokens', async () => {
    const verifier = new AlbTokenVerifier({ signer: SIGNER, keysUrl: signIn.keysUrl }, { verifiedTokens: 2 });
    const tokens = await Promise.all([1, 2, 3].map((i) => signIn.token({ ...USER, sub: `user-${i}` })));
    const users = [];
    for (const token of tokens) users.push(await verifier.verify(token));
    expect(await verifier.verify(tokens[2])).toBe(users[2]);
    // The first was dropped for the third: verified anew.
    expect(await verifier.verify(tokens[0])).not.toBe(users[0]);
  });
});

describe('the keys', () => {
  test('are fetched once per kid, then cached', async () => {
    const handle = handler();
    const before = signIn.keyRequests;
    for (let i = 0; i < 3; i++) expect((await handle(request(await signIn.token(USER)))).statusCode).toBe(200);
    expect(signIn.keyRequests - before).toBe(1);
  });

  test('an unknown kid is remembered for a while: one fetch for repeated tries', async () => {
    const handle = handler();
    const before = signIn.keyRequests;
    const token = await signIn.token(USER, { header: { kid: 'f0f0f0f0-dead-beef-0000-000000000000' } });
    for (let i = 0; i < 3; i++) expect((await handle(request(token))).statusCode).toBe(401);
    expect(signIn.keyRequests - before).toBe(1);
  });

  test('a key endpoint that fails is a 503, and is asked again on the next request', async () => {
    // Fails once, then passes requests on to the key endpoint.
    let calls = 0;
    const flaky: Server = createServer((req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(500).end();
      } else {
        void fetch(`${signIn.keysUrl}${req.url}`).then(async (answer) => res.writeHead(answer.status).end(await answer.text()));
      }
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      process.env.HYBRID_AUTH_KEYS_URL = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
      const handle = handler();
      const token = await signIn.token(USER);
      const failed = await handle(request(token));
      expect([failed.statusCode, JSON.parse(failed.body)]).toEqual([503, { error: 'Sign-in cannot be verified right now' }]);
      expect((await handle(request(token))).statusCode).toBe(200);
      expect(calls).toBe(2);
    } finally {
      flaky.close();
    }
  });

  test('are kept for a bounded number of kids', async () => {
    const verifier = new AlbTokenVerifier({ signer: SIGNER, keysUrl: signIn.keysUrl }, { cacheSize: 2, unknownKidTtlMs: 60_000 });
    const before = signIn.keyRequests;
    for (const kid of ['k1', 'k2', 'k3', 'k1']) {
      await expect(verifier.verify(await signIn.token(USER, { header: { kid } }))).rejects.toThrow(SignInError);
    }
    // k1 was dropped for k3, so it is fetched again.
    expect(signIn.keyRequests - before).toBe(4);
  });
});

describe('the middleware', () => {
  test('leaves the health check open: the load balancer\'s health checks carry no token', async () => {
    const result = await handler()(albEvent({ path: '/api/health', headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }));
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { status: 'ok', user: null }]);
  });

  test('logs why it refused a request, never the token', async () => {
    // Powertools writes warnings to stderr.
    const spies = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation(() => true));
    const level = logger.getLevelName();
    logger.setLogLevel('WARN');
    const token = await signIn.token(USER, { expiresIn: -600 });
    try {
      await handler()(request(token));
    } finally {
      logger.setLogLevel(level);
    }
    const output = spies.flatMap((spy) => spy.mock.calls.map(([chunk]) => String(chunk))).join('');
    const lines = output.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines).toContainEqual(expect.objectContaining({
      level: 'WARN', message: 'Sign-in refused: token expired', reason: 'token expired', path: '/api/whoami',
    }));
    for (const part of token.split('.')) expect(output).not.toContain(part.replace(/=+$/, ''));
  });

  test('does nothing with sign-in off: no user, no 401', async () => {
    delete process.env.HYBRID_AUTH_SIGNER;
    delete process.env.HYBRID_AUTH_KEYS_URL;
    const result = await handler()(request(await signIn.token(USER)));
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { user: null }]);
  });

  test('refuses to run half configured, or with a key endpoint that is not HTTPS', async () => {
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    delete process.env.HYBRID_AUTH_KEYS_URL;
    expect((await handler()(request(await signIn.token(USER)))).statusCode).toBe(500);
    process.env.HYBRID_AUTH_KEYS_URL = 'http://public-keys.auth.elb.eu-west-1.amazonaws.com';
    expect((await handler()(request(await signIn.token(USER)))).statusCode).toBe(500);
  });
});
