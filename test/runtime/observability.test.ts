import type * as Runtime from '../../src/runtime';
import { albEvent, lambdaContext } from '../../src/testing/events';

// Logs and metrics as the function writes them in AWS: metrics on, INFO, an X-Ray trace. Read when the runtime loads.
Object.assign(process.env, {
  POWERTOOLS_SERVICE_NAME: 'orders',
  POWERTOOLS_METRICS_NAMESPACE: 'app.internal.example.com',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createApp, logger, metrics, toLambdaHandler } = require('../../src/runtime') as typeof Runtime;

const handler = toLambdaHandler(createApp()
  .get('/api/orders', (c) => c.json([]))
  // The same answer, from a handler that used Powertools (nothing it adds shows): its line goes through Powertools.
  .get('/api/orders/powertools', (c) => {
    logger.appendKeys({});
    metrics.setTimestamp(new Date());
    return c.json([]);
  })
  .post('/api/orders', (c) => {
    metrics.addMetric('OrdersPlaced', 'Count', 2);
    logger.appendKeys({ order_id: 'o-1' });
    logger.info('Order placed');
    return c.json({ placed: 2 }, 201);
  }));

let requests = 0;

/** What a request wrote to stdout, one JSON document per line. */
async function linesOf(path: string, method = 'GET'): Promise<any[]> {
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await handler(albEvent({ method, path, body: method === 'POST' ? '{}' : undefined, headers: { 'content-type': 'application/json' } }),
      { ...lambdaContext(), awsRequestId: `request-${++requests}` });
    return stdout.mock.calls.map(([chunk]) => String(chunk)).join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } finally {
    stdout.mockRestore();
  }
}

/**
 * The metrics CloudWatch reads out of a log line in embedded metric format: for each metric of each
 * directive, its dimensions' values and its own (the values are members of the document's root).
 */
function extracted(document: any): Array<{ namespace: string; dimensions: Record<string, unknown>; name: string; unit: string; value: unknown }> {
  if (!document._aws) return [];
  expect(typeof document._aws.Timestamp).toBe('number');
  return document._aws.CloudWatchMetrics.flatMap((directive: any) => directive.Dimensions.flatMap((set: string[]) => {
    const dimensions = Object.fromEntries(set.map((name) => [name, document[name]]));
    for (const value of Object.values(dimensions)) expect(typeof value).toBe('string');
    return directive.Metrics.map((metric: any) => ({
      namespace: directive.Namespace, dimensions, name: metric.Name, unit: metric.Unit, value: document[metric.Name],
    }));
  }));
}

/** A line with what differs between two requests (time, latency, request id) made constant. */
function normalised(line: any): string {
  return JSON.stringify({ ...line, timestamp: 'T', latency_ms: 0, Latency: 0, function_request_id: 'R', _aws: { ...line._aws, Timestamp: 0 } });
}

beforeAll(async () => {
  // The cold start, which always goes through Powertools (it records the cold start).
  const [first] = await linesOf('/api/orders');
  expect(first.cold_start).toBe(true);
});

describe('each request', () => {
  test('is one log line, which is also its metrics: Requests and Latency by status class', async () => {
    const lines = await linesOf('/api/orders');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'Request',
      service: 'orders',
      method: 'GET',
      path: '/api/orders',
      status: 200,
      latency_ms: expect.any(Number),
      function_request_id: `request-${requests}`,
      cold_start: false,
      trace_id: 'Root=1-5c536348-3d683b8b04734faae651f476',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    const dimensions = { service: 'orders', StatusClass: '2xx' };
    expect(extracted(line)).toEqual([
      { namespace: 'app.internal.example.com', dimensions, name: 'Requests', unit: 'Count', value: 1 },
      { namespace: 'app.internal.example.com', dimensions, name: 'Latency', unit: 'Milliseconds', value: line.latency_ms },
    ]);
  });

  test('written without Powertools, is key for key and in order the line Powertools writes', async () => {
    const [direct] = await linesOf('/api/orders');
    const [powertools] = await linesOf('/api/orders/powertools');
    expect(normalised({ ...powertools, path: '/api/orders' })).toBe(normalised(direct));
  });

  test('carries the metrics and keys its handler added, whose log lines carry the request\'s; the next request only its own', async () => {
    const [placed, line] = await linesOf('/api/orders', 'POST');
    expect(placed).toMatchObject({ message: 'Order placed', order_id: 'o-1', function_request_id: `request-${requests}`, cold_start: false });
    expect(line).toMatchObject({ message: 'Request', order_id: 'o-1', function_request_id: `request-${requests}` });
    expect(extracted(line).map(({ name, value, dimensions }) => [name, value, dimensions.StatusClass])).toEqual([
      ['OrdersPlaced', 2, '2xx'], ['Requests', 1, '2xx'], ['Latency', line.latency_ms, '2xx'],
    ]);
    const [next] = await linesOf('/api/missing');
    expect(next.order_id).toBeUndefined();
    expect(next.function_request_id).toBe(`request-${requests}`);
    expect(extracted(next).map(({ name, dimensions }) => [name, dimensions.StatusClass])).toEqual([['Requests', '4xx'], ['Latency', '4xx']]);
  });

  test('above INFO, writes no request line but still its metrics, on a line of their own', async () => {
    logger.setLogLevel('WARN');
    try {
      const lines = await linesOf('/api/orders');
      expect(lines).toHaveLength(1);
      expect(lines[0].message).toBeUndefined();
      expect(extracted(lines[0]).map(({ name, value }) => [name, value])).toEqual([['Requests', 1], ['Latency', expect.any(Number)]]);
    } finally {
      logger.setLogLevel('INFO');
    }
  });

  test('with a service dimension other than the log line\'s, writes the metrics apart from the request line', async () => {
    // Powertools warns that it replaces the dimension.
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    metrics.setDefaultDimensions({ service: 'orders-api' });
    try {
      const lines = await linesOf('/api/orders');
      expect(lines).toHaveLength(2);
      const [document, line] = lines;
      expect(extracted(document).map(({ name, dimensions }) => [name, dimensions])).toEqual([
        ['Requests', { service: 'orders-api', StatusClass: '2xx' }], ['Latency', { service: 'orders-api', StatusClass: '2xx' }],
      ]);
      expect([line.message, line.service, line._aws]).toEqual(['Request', 'orders', undefined]);
    } finally {
      metrics.setDefaultDimensions({ service: 'orders' });
      stderr.mockRestore();
    }
  });

  // Last: persistent keys stay on every line.
  test('carries the logger\'s persistent keys, as every line does', async () => {
    logger.appendPersistentKeys({ team: 'orders' });
    const [line] = await linesOf('/api/orders');
    expect(line).toMatchObject({ message: 'Request', team: 'orders', function_request_id: `request-${requests}` });
    expect(extracted(line).map(({ name }) => name)).toEqual(['Requests', 'Latency']);
  });
});
