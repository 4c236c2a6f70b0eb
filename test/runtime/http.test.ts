import './setup';
import { HTTPException } from 'hono/http-exception';
import { createApp, LambdaHttpEvent, LambdaHttpResult, toLambdaHandler } from '../../src/runtime/http';
import { logger } from '../../src/runtime/observability';
import { albEvent, albSingleValueEvent, apigwEvent, EventOptions, lambdaContext } from '../../src/testing/events';

// What our topologies add around Hono's AWS Lambda adapter, tried with the events each sends.
const app = createApp()
  .get('/api/echo', (c) => c.json({
    query: c.req.queries(),
    cookie: c.req.header('cookie'),
    accept: c.req.header('accept'),
    source: c.env.event.requestContext.elb ? 'alb' : 'apigw',
  }))
  .post('/api/echo', async (c) => c.json({ received: await c.req.json<unknown>() }))
  .put('/api/echo', (c) => c.body(null, 204))
  .get('/api/context', (c) => c.json({ requestId: c.env.lambdaContext?.awsRequestId }))
  .get('/api/items/:id', (c) => c.json({ id: c.req.param('id') }))
  .get('/api/cookies', (c) => {
    c.header('Set-Cookie', 'a=1; Path=/; Secure; HttpOnly', { append: true });
    c.header('Set-Cookie', 'b=2; Path=/; Secure; HttpOnly', { append: true });
    return c.json({ ok: true });
  })
  .get('/api/boom', () => {
    throw new Error('secret detail at /var/task/index.js:1');
  })
  .get('/api/teapot', () => {
    throw new HTTPException(418, { message: 'short and stout' });
  })
  .get('/api/binary', (c) => c.body(new Uint8Array([0, 1, 2, 255]), 200, { 'Content-Type': 'application/octet-stream' }))
  .get('/api/huge', (c) => c.json({ data: 'x'.repeat(Number(c.req.query('bytes'))) }))
  .get('/api/cached', (c) => {
    c.header('Cache-Control', 'max-age=60');
    return c.json({ cached: true });
  })
  .get('/api/raw', (c) => new Response('raw', { headers: c.req.query('cache') ? { 'cache-control': 'max-age=5' } : {} }));
const handler = toLambdaHandler(app);

type Shape = (options?: EventOptions) => LambdaHttpEvent;
const SHAPES: Array<[string, Shape]> = [
  ['an ALB event with multi-value headers', albEvent],
  ['an ALB event with single-value headers', albSingleValueEvent],
  ['an API Gateway event', apigwEvent],
];

/** A header of the result, whichever shape it came in. */
function header(result: LambdaHttpResult, name: string): string | undefined {
  return result.multiValueHeaders?.[name]?.join(', ') ?? result.headers?.[name];
}

function body(result: LambdaHttpResult): any {
  return JSON.parse(result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body);
}

beforeEach(() => jest.spyOn(process.stdout, 'write').mockImplementation(() => true));
afterEach(() => jest.restoreAllMocks());

describe.each(SHAPES)('with %s', (_title, event) => {
  test('routes to Hono and answers JSON', async () => {
    const result = await handler(event({ path: '/api/items/42' }));
    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({ id: '42' });
    expect(header(result, 'content-type')).toMatch(/^application\/json/);
    expect(header(result, 'x-content-type-options')).toBe('nosniff');
  });

  test('gives handlers the raw event', async () => {
    const result = await handler(event({ path: '/api/echo' }));
    expect(body(result).source).toBe(event === apigwEvent ? 'apigw' : 'alb');
  });

  test('gives handlers the Lambda context', async () => {
    const result = await handler(event({ path: '/api/context' }), lambdaContext());
    expect(body(result)).toEqual({ requestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678' });
  });

  test('parses JSON bodies, plain or base64, and answers 400 to a malformed one', async () => {
    const headers = { 'content-type': 'application/json' };
    const plain = await handler(event({ method: 'POST', path: '/api/echo', headers, body: '{"ünï":"cödé"}' }));
    expect(body(plain)).toEqual({ received: { ünï: 'cödé' } });
    const encoded = await handler(event({ method: 'POST', path: '/api/echo', headers, body: '{"a":[1,2]}', base64: true }));
    expect(body(encoded)).toEqual({ received: { a: [1, 2] } });
    // base64url, which Node decodes and Hono's `atob` refuses.
    const url = await handler({ ...event({ method: 'POST', path: '/api/echo', headers }), body: 'eyJhIjoiPz8-fn4ifQ', isBase64Encoded: true });
    expect(body(url)).toEqual({ received: { a: '??>~~' } });
  });

  test('answers 404 to an unknown path and 405 to another method, listing each allowed method once', async () => {
    const missing = await handler(event({ path: '/api/nope' }));
    expect(missing.statusCode).toBe(404);
    expect(body(missing)).toEqual({ error: 'No route for GET /api/nope' });
    const wrong = await handler(event({ method: 'DELETE', path: '/api/echo' }));
    expect(wrong.statusCode).toBe(405);
    expect(header(wrong, 'allow')).toBe('GET, HEAD, POST, PUT');
  });

  test('answers HEAD on a GET route like GET, without a body', async () => {
    const result = await handler(event({ method: 'HEAD', path: '/api/items/42' }));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
  });

  test('answers with nosniff and no-store, unless a route says how its answer is cached, with c.header or a Response of its own', async () => {
    for (const path of ['/api/items/1', '/api/nope', '/api/boom', '/api/raw']) {
      const result = await handler(event({ path }));
      expect([path, header(result, 'x-content-type-options'), header(result, 'cache-control')]).toEqual([path, 'nosniff', 'no-store']);
    }
    expect(header(await handler(event({ path: '/api/cached' })), 'cache-control')).toBe('max-age=60');
    const raw = await handler(event({ path: '/api/raw', query: { cache: '1' } }));
    expect([header(raw, 'cache-control'), header(raw, 'x-content-type-options')]).toEqual(['max-age=5', 'nosniff']);
  });

  test('answers 400, not 500, to a malformed percent-encoding in the path', async () => {
    const result = await handler(event({ path: '/api/items/%E0%A4%A' }));
    expect(result.statusCode).toBe(400);
    expect(body(result)).toEqual({ error: 'Malformed percent-encoding in the path' });
  });

  test('ignores a body sent with GET (Hono would refuse the request)', async () => {
    const result = await handler(event({ path: '/api/items/7', body: 'stray' }));
    expect(result.statusCode).toBe(200);
  });

  test('answers 500 without the error detail, which goes to the log', async () => {
    const result = await handler(event({ path: '/api/boom' }));
    expect(result.statusCode).toBe(500);
    expect(body(result)).toEqual({ error: 'Internal Server Error' });
  });

  test('answers an HTTPException with its status and message', async () => {
    const result = await handler(event({ path: '/api/teapot' }));
    expect(result.statusCode).toBe(418);
    expect(body(result)).toEqual({ error: 'short and stout' });
  });

  test('sends binary bodies base64-encoded', async () => {
    const result = await handler(event({ path: '/api/binary' }));
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  test('sends every Set-Cookie', async () => {
    const result = await handler(event({ path: '/api/cookies' }));
    const cookies = result.multiValueHeaders
      ? result.multiValueHeaders['set-cookie']
      : Object.entries(result.headers ?? {}).filter(([name]) => name.toLowerCase() === 'set-cookie').map(([, value]) => value);
    expect(cookies).toEqual(['a=1; Path=/; Secure; HttpOnly', 'b=2; Path=/; Secure; HttpOnly']);
  });
});

describe('the load balancer', () => {
  test('gets multi-value headers back for multi-value events, single-value for single-value, with a status description', async () => {
    const multi = await handler(albEvent({ path: '/api/items/1' }));
    expect(multi).toMatchObject({ statusDescription: '200 OK', multiValueHeaders: { 'content-type': ['application/json'] } });
    expect(multi.headers).toBeUndefined();
    const single = await handler(albSingleValueEvent({ path: '/api/nope' }));
    expect(single).toMatchObject({ statusDescription: '404 Not Found', headers: { 'content-type': 'application/json' } });
    expect(single.multiValueHeaders).toBeUndefined();
  });

  test('passes repeated cookie headers as one, joined with "; ", and other headers with ", "', async () => {
    const result = await handler(albEvent({
      path: '/api/echo',
      repeatedHeaders: { cookie: ['a=1', 'b=2'], accept: ['text/html', 'application/json'] },
    }));
    expect(body(result)).toMatchObject({ cookie: 'a=1; b=2', accept: 'text/html, application/json' });
  });

  test('decodes query parameters, which it passes still encoded', async () => {
    const result = await handler(albEvent({ path: '/api/echo', query: { 'na%20me': ['Ada%20Lovelace', 'a+b'] } }));
    expect(body(result).query).toEqual({ 'na me': ['Ada Lovelace', 'a b'] });
  });

  test('refuses to send more than it accepts (1 MB) with a clean 500', async () => {
    const result = await handler(albEvent({ path: '/api/huge', query: { bytes: String(1024 * 1024) } }));
    expect(result.statusCode).toBe(500);
    expect(body(result)).toEqual({ error: 'Response too large' });
  });
});

describe('API Gateway', () => {
  test('answers with no status description', async () => {
    const result = await handler(apigwEvent({ path: '/api/items/1' }));
    expect(result).not.toHaveProperty('statusDescription');
  });

  test('passes repeated cookie headers joined with "; "', async () => {
    const result = await handler(apigwEvent({ path: '/api/echo', repeatedHeaders: { Cookie: ['a=1', 'b=2'] } }));
    expect(body(result).cookie).toBe('a=1; b=2');
  });

  test('does not decode query strings twice (API Gateway already did)', async () => {
    const result = await handler({ ...apigwEvent({ path: '/api/echo' }), multiValueQueryStringParameters: { q: ['100%'] } });
    expect(body(result).query).toEqual({ q: ['100%'] });
  });

  test('sends up to Lambda\'s 6 MB, and above it a clean 500 instead of a failed invocation', async () => {
    const big = await handler(apigwEvent({ path: '/api/huge', query: { bytes: String(2 * 1024 * 1024) } }));
    expect(big.statusCode).toBe(200);
    const huge = await handler(apigwEvent({ path: '/api/huge', query: { bytes: String(6 * 1024 * 1024) } }));
    expect(huge.statusCode).toBe(500);
    expect(body(huge)).toEqual({ error: 'Response too large' });
  });
});

describe('observability', () => {
  /** The JSON lines written to stdout and stderr (Powertools writes errors to stderr). */
  function lines(...spies: jest.SpyInstance[]): any[] {
    return spies.flatMap((spy) => spy.mock.calls.map(([chunk]) => String(chunk)))
      .join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  }

  test('logs each request as JSON with the request and trace ids, and an unexpected error with its stack', async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    try {
      await handler(albEvent({ path: '/api/boom' }), lambdaContext());
    } finally {
      logger.setLogLevel(level);
    }
    const logs = lines(stdout, stderr);
    expect(logs).toContainEqual(expect.objectContaining({
      level: 'ERROR',
      message: 'Unhandled error',
      trace_id: 'Root=1-5c536348-3d683b8b04734faae651f476',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      error: expect.objectContaining({ message: 'secret detail at /var/task/index.js:1', stack: expect.any(String) }),
    }));
    expect(logs).toContainEqual(expect.objectContaining({
      level: 'INFO', message: 'Request', method: 'GET', path: '/api/boom', status: 500,
    }));
    // Metrics off (POWERTOOLS_METRICS_DISABLED, as in tests and `npx projen dev`): the line carries none.
    expect(logs.find((line) => line.message === 'Request')._aws).toBeUndefined();
  });
});
