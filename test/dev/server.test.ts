import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { DevServerOptions, RunningDevServer, startDevServer } from '../../src/dev';
import { devUser, portFrom, UsageError } from '../../src/dev/server';
import { AlbTokenVerifier } from '../../src/runtime/alb-token';

// The dev server of `npx projen dev` on a small repo of its own: a Lambda entry that answers with what it was given,
// and a frontend. test/e2e/dev-loop.test.ts runs it in generated repos, in a browser.
const ENTRY = `export const handler = async (event: any) => ({
  statusCode: 200,
  multiValueHeaders: { 'content-type': ['application/json'] },
  body: JSON.stringify({
    answer: 'first',
    fields: Object.keys(event).sort(),
    path: event.path,
    query: event.multiValueQueryStringParameters,
    token: (event.multiValueHeaders['x-amzn-oidc-data'] ?? [])[0],
    body: event.body,
    base64: event.isBase64Encoded,
    service: process.env.DEV_TEST_SERVICE,
  }),
  isBase64Encoded: false,
});
`;
const APP = 'export const app = createApp().get(\'/api/health\', (c) => c.json({})).post(\'/api/echo\', (c) => c.json({}));\n';

const OPTIONS: DevServerOptions = {
  path: 'ALB → Lambda',
  event: 'alb-multi-value',
  eventLabel: 'multi-value events',
  invoker: 'the load balancer',
  requestLimit: 1024,
  frontend: true,
  entryPoint: 'src/api/api.lambda.ts',
  tsconfig: 'tsconfig.json',
  external: ['@aws-sdk/*'],
  frontendEntryPoints: ['frontend/index.html', 'frontend/src/main.ts'],
  environment: { DEV_TEST_SERVICE: 'DevApp', AWS_LAMBDA_FUNCTION_NAME: 'DevApp-Handler' },
  region: 'eu-west-1',
  account: '123456789012',
};

let root: string;
let lines: string[];
const running: RunningDevServer[] = [];

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

async function start(options: Partial<DevServerOptions> = {}): Promise<RunningDevServer> {
  const server = await startDevServer({ ...OPTIONS, ...options }, { port: 0, root, log: (line) => lines.push(line), watch: false });
  running.push(server);
  return server;
}

async function request(server: RunningDevServer, url: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${url}`, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, json: () => JSON.parse(text) };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'chs-dev-'));
  lines = [];
  write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
  write('src/api/api.lambda.ts', ENTRY);
  write('src/api/app.ts', APP);
  write('frontend/index.html', '<!doctype html><title>app</title><script src="main.js"></script>\n');
  write('frontend/src/main.ts', 'document.title = "app";\n');
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
  for (const name of ['DEV_TEST_SERVICE', 'AWS_LAMBDA_FUNCTION_NAME', 'HYBRID_AUTH_SIGNER', 'HYBRID_AUTH_KEYS_URL', 'HYBRID_MACHINE_ISSUER',
    'HYBRID_MACHINE_JWKS_URL', 'HYBRID_MACHINE_AUDIENCE']) delete process.env[name];
});

afterAll(() => esbuild.stop());

describe('the API', () => {
  test('gets the load balancer\'s multi-value event, query values still encoded, with the function\'s environment', async () => {
    const server = await start();
    const answer = await request(server, '/api/echo?a=1&a=x%20y');
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({
      fields: ['body', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters', 'path', 'requestContext'],
      path: '/api/echo',
      query: { a: ['1', 'x%20y'] },
      service: 'DevApp',
    });
    expect(lines.join('\n')).toContain(`The app on ${server.url}/  (ALB → Lambda, multi-value events)`);
  });

  test('gets API Gateway\'s proxy event, query values decoded, every body base64-encoded', async () => {
    const server = await start({ event: 'apigw-proxy', path: 'execute-api endpoint → private REST API → Lambda', eventLabel: 'proxy events' });
    const answer = (await request(server, '/api/echo?a=x%20y', { method: 'POST', body: '{"a":1}' })).json();
    expect(answer).toMatchObject({ path: '/api/echo', query: { a: ['x y'] }, base64: true, body: Buffer.from('{"a":1}').toString('base64') });
    expect(answer.fields).toEqual(['body', 'headers', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters',
      'path', 'pathParameters', 'queryStringParameters', 'requestContext', 'resource', 'stageVariables']);
  });

  test('answers anew after a change, shows a build error with its file, and recovers', async () => {
    const server = await start();
    expect((await request(server, '/api/x')).json().answer).toBe('first');
    write('src/api/api.lambda.ts', ENTRY.replace("answer: 'first'", "answer: 'second'"));
    expect((await request(server, '/api/x')).json().answer).toBe('second');
    write('src/api/api.lambda.ts', `${ENTRY}\nconst broken: = 1;\n`);
    const failed = await request(server, '/api/x');
    expect([failed.status, failed.text]).toEqual([500, expect.stringContaining('The API does not build')]);
    expect(failed.text).toContain('src/api/api.lambda.ts');
    const page = await request(server, '/orders/42');
    expect([page.status, page.type]).toEqual([500, 'text/html; charset=utf-8']);
    expect(lines.join('\n')).toContain('API does not build');
    write('src/api/api.lambda.ts', ENTRY);
    expect((await request(server, '/api/x')).status).toBe(200);
  });

  test('answers for a failed handler as its invoker does, and refuses a body over the limit', async () => {
    write('src/api/api.lambda.ts', 'export const handler = async () => { throw new Error("boom"); };\n');
    const alb = await start();
    const failed = await request(alb, '/api/x');
    expect([failed.status, failed.type]).toEqual([502, 'text/html; charset=utf-8']);
    expect(lines.join('\n')).toMatch(/The handler failed \(request [0-9a-f-]+\):\nError: boom/);
    const big = await request(alb, '/api/x', { method: 'POST', body: 'x'.repeat(2048) });
    expect([big.status, big.text]).toEqual([413, 'Request body over the 0.0009765625 MB the load balancer accepts']);
    await alb.stop();
    const apigw = await start({ event: 'apigw-proxy', invoker: 'the API' });
    expect((await request(apigw, '/api/x')).json()).toEqual({ message: 'Internal server error', dev: 'The handler failed: see the terminal.' });
  });
});

describe('the frontend', () => {
  test('is served as the listener rule and S3 serve it: index.html for pages, 403 for a missing file', async () => {
    const server = await start();
    const page = await request(server, '/');
    expect([page.status, page.type, page.text]).toEqual([200, 'text/html', expect.stringContaining('<title>app</title>')]);
    expect((await request(server, '/orders/42')).text).toBe(page.text);
    expect((await request(server, '/main.js')).type).toBe('text/javascript');
    expect((await request(server, '/missing.js')).status).toBe(403);
    expect((await request(server, '/', { method: 'POST' })).status).toBe(405);
  });

  test('without one, a page at / lists the routes and every other path reaches the function', async () => {
    const server = await start({ frontend: false });
    const page = await request(server, '/');
    expect(page.text).toContain('<a href="/api/health">/api/health</a>');
    expect(page.text).toContain('POST /api/echo');
    expect((await request(server, '/orders/42')).json().path).toBe('/orders/42');
  });
});

describe('sign-in', () => {
  test('signs every API request in as the configured user, with a key the handler\'s verification fetches', async () => {
    Object.assign(process.env, { DEV_USER_SUB: 'ada-42', DEV_USER_NAME: 'Ada Lovelace', DEV_USER_CLAIMS: '{"groups":["admins"]}' });
    try {
      const server = await start({ signIn: { issuer: 'https://login.example.com', clientId: 'orders' } });
      expect(server.user).toMatchObject({ sub: 'ada-42', name: 'Ada Lovelace', email: 'dev.user@example.com', groups: ['admins'] });
      // A header the client sends is replaced, as the load balancer replaces it.
      const { token } = (await request(server, '/api/me', { headers: { 'x-amzn-oidc-data': 'forged' } })).json();
      const verifier = new AlbTokenVerifier({ signer: process.env.HYBRID_AUTH_SIGNER!, keysUrl: process.env.HYBRID_AUTH_KEYS_URL! });
      expect(await verifier.verify(token)).toMatchObject({ subject: 'ada-42', name: 'Ada Lovelace', claims: { groups: ['admins'], iss: 'https://login.example.com' } });
    } finally {
      for (const name of ['DEV_USER_SUB', 'DEV_USER_NAME', 'DEV_USER_CLAIMS']) delete process.env[name];
    }
  });

  test('machine callers: hands out tokens, verifies bearer requests as the load balancer does, forwards them unsigned', async () => {
    const machine = { issuer: 'https://auth.services.example.com', audience: 'api://orders', claims: [{ name: 'scope', format: 'space-separated-values', values: ['orders.read'] }] };
    const server = await start({ frontend: false, signIn: { issuer: 'https://login.example.com', clientId: 'orders', machine } });
    expect(lines.join('\n')).toContain(`curl -H "Authorization: Bearer $(curl -s ${server.url}/_dev/token?sub=my-script)" ${server.url}/api/health`);
    const token = (await request(server, '/_dev/token?sub=billing')).text;
    // The handler's own verification gets the provider the server plays: the configured issuer and audience, a local key set.
    expect(process.env).toMatchObject({
      HYBRID_MACHINE_ISSUER: machine.issuer,
      HYBRID_MACHINE_AUDIENCE: 'api://orders',
      HYBRID_MACHINE_JWKS_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/),
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: machine.issuer, aud: 'api://orders', scope: 'orders.read', sub: 'billing' });
    // Forwarded as it came: no sign-in header is added to a machine caller's request.
    const good = await request(server, '/api/x', { headers: { authorization: `Bearer ${token}` } });
    expect([good.status, good.json().token]).toEqual([200, undefined]);
    for (const bad of [`${token.slice(0, -4)}AAAA`, (await request(server, '/_dev/token?expires_in=-10')).text, 'nonsense']) {
      const refused = await request(server, '/api/x', { headers: { authorization: `bearer ${bad}` } });
      expect([refused.status, refused.text]).toEqual([401, expect.stringContaining('401 Authorization Required')]);
    }
    // Without a bearer token, the person's sign-in as before.
    expect((await request(server, '/api/x')).json().token).toEqual(expect.any(String));
  });

  test('a DEV_USER_CLAIMS that is no JSON object is a usage error', () => {
    expect(() => devUser({ DEV_USER_CLAIMS: 'nope' })).toThrow(UsageError);
    expect(() => devUser({ DEV_USER_CLAIMS: '[1]' })).toThrow(/DEV_USER_CLAIMS is not a JSON object/);
  });
});

describe('the command line and the port', () => {
  test('--port, --port=, PORT, or 3000; --help; anything else is a usage error', () => {
    expect(portFrom(['--port', '4000'], {})).toBe(4000);
    expect(portFrom(['--port=4001'], {})).toBe(4001);
    expect(portFrom([], { PORT: '4002' })).toBe(4002);
    expect(portFrom([], {})).toBe(3000);
    expect(portFrom(['--help'], {})).toBeUndefined();
    expect(() => portFrom(['--port', '70000'], {})).toThrow('Not a port: "70000"');
    expect(() => portFrom(['--verbose'], {})).toThrow(UsageError);
  });

  test('a port in use fails at once; a stopped server frees its port and removes what it built', async () => {
    const server = await start();
    await expect(startDevServer(OPTIONS, { port: server.port, root, log: () => undefined, watch: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(fs.readdirSync(path.join(root, 'node_modules/.cache/create-hybrid-serverless/dev'))).toEqual(['api-1.js']);
    await server.stop();
    expect(fs.existsSync(path.join(root, 'node_modules/.cache/create-hybrid-serverless/dev'))).toBe(false);
    const free = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1').once('connect', () => { socket.destroy(); resolve(false); }).once('error', () => resolve(true));
    });
    expect(free).toBe(true);
  });
});
