// Phase 6 of `npx projen bench`: the generated handler at run time, against bare Hono with the same
// route and validator, and a raw handler that parses the event by hand (the floor). Each is bundled in the
// generated repo as its bundle task bundles the handler, then run in a fresh `node` per sample, alternating
// (raw, Hono, ours, ours with sign-in, …), with the function's environment (Powertools at INFO, metrics on;
// stdout to /dev/null). Per process: the cold start (from the process's start to the first answer, wall and CPU,
// as a Lambda init plus its first invoke), the bundle's require time, and the warm cost of a request (CPU per
// request, median of batches). Sign-in on: a token signed like the load balancer's, the key fetched once from a key
// endpoint in the same process (then cached, as in a warm function); either a token not seen before on every
// request (each one's signature checked), or the same token on every request (as a load balancer that sends a
// session's token more than once: checked once). A signed-in request carries the three headers the load balancer
// adds (`x-amzn-oidc-data`, `x-amzn-oidc-identity`, `x-amzn-oidc-accesstoken`), the token shaped as it signs one
// (ES256, r || s, `=` padding, `signer` and `exp` in the header). The process with a new token each time then
// times the floor: the ES256 check alone (`crypto.verify` with the key as a cached `KeyObject`, the bytes decoded
// beforehand) on as many tokens of the same shape, in batches as the requests.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The peers, written into the generated repo (so they resolve its node_modules) and bundled like the handler. */
const PEERS = {
  hono: `import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import * as z from 'zod/mini';

// The generated sample's route and validator (src/api/app.ts), on bare Hono and its AWS Lambda adapter.
const Name = z.string().check(z.minLength(1), z.maxLength(100));
const app = new Hono().get('/api/hello', zValidator('query', z.object({ name: z.optional(Name) })), (c) => {
  const { name } = c.req.valid('query');
  return c.json({ message: \`Hello, \${name ?? 'world'}!\` });
});
export const handler = handle(app);
`,
  raw: `// The floor: the same answer, the event read by hand.
export const handler = async (event: { multiValueQueryStringParameters?: Record<string, string[]> }) => {
  const raw = event.multiValueQueryStringParameters?.name?.[0];
  const name = raw === undefined ? undefined : decodeURIComponent(raw);
  if (name !== undefined && (name.length < 1 || name.length > 100)) {
    return { statusCode: 400, statusDescription: '400 Bad Request', multiValueHeaders: {}, body: '{}', isBase64Encoded: false };
  }
  return {
    statusCode: 200,
    statusDescription: '200 OK',
    multiValueHeaders: { 'content-type': ['application/json'] },
    body: JSON.stringify({ message: \`Hello, \${name ?? 'world'}!\` }),
    isBase64Encoded: false,
  };
};
`,
};

/** Runs in a fresh `node`: argv bundle, output file, batches, requests per batch, sign-in (0 off, 1 a new token each time, 2 the same). */
const RUNNER = String.raw`'use strict';
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const [bundle, out, batchesArg, perBatchArg, signIn] = process.argv.slice(2);
const batches = Number(batchesArg);
const perBatch = Number(perBatchArg);
const headers = {
  accept: ['application/json'], host: ['app.internal.example.com'], 'user-agent': ['curl/8.5.0'],
  'x-amzn-trace-id': ['Root=1-5c536348-3d683b8b04734faae651f476'], 'x-forwarded-for': ['10.1.2.3'],
  'x-forwarded-port': ['443'], 'x-forwarded-proto': ['https'],
};
// The identity provider's access token, which the load balancer passes on as it is (the same for a session):
// a JWT of a typical size.
const accessToken = 'eyJraWQiOiJ' + 'a'.repeat(1000);
function event(token) {
  const signedIn = token && { ...headers, 'x-amzn-oidc-data': [token.token], 'x-amzn-oidc-identity': [token.sub], 'x-amzn-oidc-accesstoken': [accessToken] };
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123456789abcdef' } },
    httpMethod: 'GET', path: '/api/hello', multiValueQueryStringParameters: { name: ['Ada%20Lovelace'] },
    multiValueHeaders: signedIn || headers, body: '', isBase64Encoded: false,
  };
}
function context(i) {
  return {
    callbackWaitsForEmptyEventLoop: true, functionName: 'api', functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:api', memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-' + String(i).padStart(12, '0'), logGroupName: '/aws/lambda/api',
    logStreamName: '2026/12/07/[$LATEST]0123456789abcdef', getRemainingTimeInMillis: () => 10000,
    done() {}, fail() {}, succeed() {},
  };
}
/** The load balancer's side: a key pair, its key endpoint on 127.0.0.1, tokens as it signs them (= padding kept). */
async function loadBalancer(count) {
  const crypto = require('node:crypto');
  const http = require('node:http');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const kid = crypto.randomUUID();
  const server = http.createServer((req, res) => { res.writeHead(req.url === '/' + kid ? 200 : 404); res.end(req.url === '/' + kid ? pem : ''); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const signer = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/bench/0123456789abcdef';
  const padded = (text) => text.padEnd(Math.ceil(text.length / 4) * 4, '=');
  const encode = (value) => padded(Buffer.from(JSON.stringify(value)).toString('base64url'));
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const sub = 'user-' + i;
    const input = encode({ typ: 'JWT', kid, alg: 'ES256', iss: 'https://login.example.com', client: 'app', signer, exp }) + '.'
      + encode({ sub, email: 'ada@example.com', name: 'Ada Lovelace', groups: ['orders'], exp, iss: 'https://login.example.com' });
    tokens.push({ sub, token: input + '.' + padded(crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')) });
  }
  process.env.HYBRID_AUTH_SIGNER = signer;
  process.env.HYBRID_AUTH_KEYS_URL = 'http://127.0.0.1:' + server.address().port;
  return { tokens, key: crypto.createPublicKey(pem) };
}
/** The floor: CPU and wall µs of the ES256 check alone per token (key cached, bytes decoded beforehand), median of batches. */
function floor(tokens, key) {
  const crypto = require('node:crypto');
  const prepared = tokens.map(({ token }) => {
    const dot = token.lastIndexOf('.');
    return [Buffer.from(token.slice(0, dot)), Buffer.from(token.slice(dot + 1), 'base64url')];
  });
  const options = { key, dsaEncoding: 'ieee-p1363' };
  const cpuUs = [];
  const wallUs = [];
  let n = 0;
  for (let b = -2; b < batches; b++) {
    const wall = performance.now();
    const before = process.cpuUsage();
    for (let i = 0; i < perBatch; i++, n++) {
      if (!crypto.verify('sha256', prepared[n][0], options, prepared[n][1])) throw new Error('floor: a token does not verify');
    }
    const used = process.cpuUsage(before);
    if (b < 0) continue; // warm-up
    wallUs.push((performance.now() - wall) * 1000 / perBatch);
    cpuUs.push((used.user + used.system) / perBatch);
  }
  return { floorUs: median(wallUs), floorCpuUs: median(cpuUs) };
}
function median(values) {
  return values.sort((a, b) => a - b)[values.length >> 1];
}
async function main() {
  const warmup = perBatch * 2;
  const requests = 1 + warmup + batches * perBatch;
  const { tokens, key } = signIn === '0' ? { tokens: [] } : await loadBalancer(signIn === '1' ? requests + (batches + 2) * perBatch : 1);
  const token = (i) => tokens[signIn === '1' ? i : 0];
  const requireStart = performance.now();
  const { handler } = require(bundle);
  const requireMs = performance.now() - requireStart;
  const first = await handler(event(token(0)), context(0));
  // Since the process started: Node, the bundle's load and the first invocation.
  const coldMs = performance.now();
  const cpu = process.cpuUsage();
  const coldCpuMs = (cpu.user + cpu.system) / 1000;
  if (first.statusCode !== 200) throw new Error('status ' + first.statusCode + ': ' + first.body);
  let n = 1;
  for (let i = 0; i < warmup; i++, n++) await handler(event(token(n)), context(n));
  const cpuUs = [];
  const wallUs = [];
  for (let b = 0; b < batches; b++) {
    const wall = performance.now();
    const before = process.cpuUsage();
    for (let i = 0; i < perBatch; i++, n++) await handler(event(token(n)), context(n));
    const used = process.cpuUsage(before);
    wallUs.push((performance.now() - wall) * 1000 / perBatch);
    cpuUs.push((used.user + used.system) / perBatch);
  }
  const floors = signIn === '1' ? floor(tokens.slice(requests), key) : {};
  fs.writeFileSync(out, JSON.stringify({ requireMs, coldMs, coldCpuMs, warmUs: median(wallUs), warmCpuUs: median(cpuUs), ...floors, body: first.body }));
}
main().catch((error) => { fs.writeFileSync(out, JSON.stringify({ error: String(error && error.stack || error) })); process.exitCode = 1; });
`;

/** The function's environment as `PrivateApp` and the Lambda runtime set it (a warm on-demand function). */
const FUNCTION_ENV = {
  POWERTOOLS_SERVICE_NAME: 'BenchApp',
  POWERTOOLS_METRICS_NAMESPACE: 'app.internal.example.com',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'BenchApp-Handler',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
};

/** The variants, in the order each round runs them: [name, bundle, sign-in]. */
function variants(bundles) {
  return [['raw', bundles.raw, '0'], ['hono', bundles.hono, '0'], ['ours', bundles.ours, '0'], ['signIn', bundles.ours, '1'],
    ['signInAgain', bundles.ours, '2']];
}

/**
 * Bundles the handler and its peers in `repo` (`bundle(entry, outfile)` runs the repo's bundle step on
 * another entry), then `runs` alternating rounds; returns every variant's samples.
 */
function benchRuntime({ repo, tmp, runs, batches, perBatch, bundle, run, env, prefix, log }) {
  log(`6. Runtime: raw handler, bare Hono, ours, ours with sign-in (new tokens, one token) (${runs} fresh processes each, ${batches} × ${perBatch} warm requests)`);
  const dir = path.join(repo, '.bench-runtime');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, source] of Object.entries(PEERS)) fs.writeFileSync(path.join(dir, `${name}.ts`), source);
  const out = fs.mkdtempSync(path.join(tmp, 'runtime-'));
  const bundles = {
    raw: bundle(path.relative(repo, path.join(dir, 'raw.ts')), path.join(out, 'raw.js')),
    hono: bundle(path.relative(repo, path.join(dir, 'hono.ts')), path.join(out, 'hono.js')),
    ours: bundle('src/api/api.lambda.ts', path.join(out, 'ours.js')),
  };
  const runner = path.join(out, 'runner.js');
  fs.writeFileSync(runner, RUNNER);
  const samples = {};
  for (let round = 0; round < runs; round++) {
    for (const [name, file, signIn] of variants(bundles)) {
      const result = path.join(out, `${name}.json`);
      fs.rmSync(result, { force: true });
      try {
        run('node', [runner, file, result, String(batches), String(perBatch), signIn], { cwd: out, env: { ...env, ...FUNCTION_ENV }, prefix });
      } finally {
        const report = fs.existsSync(result) ? JSON.parse(fs.readFileSync(result, 'utf-8')) : { error: 'no result' };
        if (report.error) throw new Error(`runtime bench, ${name}: ${report.error}`);
        (samples[name] ??= []).push(report);
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return samples;
}

module.exports = { benchRuntime, PEERS, FUNCTION_ENV, RUNNER };
