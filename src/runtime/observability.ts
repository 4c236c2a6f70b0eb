import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { LambdaHttpEvent } from './http';

/*
 * Logs and metrics with Powertools, at one write per request. Powertools reads the environment on
 * every call and formats through Node's console (about 50 us a request in a warm function, as much as
 * Hono itself), so the request's own bookkeeping does not go through it unless the handler uses it:
 * - `beforeRequest` keeps the request's Lambda context and keys aside; the logger hands them to
 *   Powertools before the first thing the handler logs or appends, so the handler's lines carry them;
 * - `afterRequest` writes one line that is both the request's log line and its metrics (CloudWatch
 *   reads embedded-format metrics out of any JSON log line with `_aws`). A request whose handler used
 *   neither logger nor metrics gets that line written here, key for key as Powertools writes it
 *   (test/runtime/observability.test.ts compares the two); any other through Powertools itself.
 * Where Powertools' state is per invocation (AWS_LAMBDA_MAX_CONCURRENCY: concurrent invocations in one
 * process), its dev mode or log sampling is on, or a time zone other than UTC is set, every line goes
 * through Powertools.
 */

const env = process.env;
/** The service every log line and metric names: `POWERTOOLS_SERVICE_NAME`, set on the function by `PrivateApp`. */
const SERVICE = env.POWERTOOLS_SERVICE_NAME?.trim() || 'service_undefined';
/** The metrics' namespace: `POWERTOOLS_METRICS_NAMESPACE`, the app's domain (set by `PrivateApp`). */
const NAMESPACE = env.POWERTOOLS_METRICS_NAMESPACE?.trim() || undefined;
/** Whether the request line may be written here; read once: a function's environment does not change. */
const DIRECT = !env.AWS_LAMBDA_MAX_CONCURRENCY && !env.POWERTOOLS_DEV && !env.POWERTOOLS_LOGGER_SAMPLE_RATE
  && (!env.TZ || env.TZ.includes('UTC'));

/** A request's context and keys, not yet given to Powertools. */
interface PendingRequest {
  readonly context?: Context;
  readonly keys: Record<string, string | undefined>;
}

/** Powertools Logger, given each request's context and keys when something is logged (see above). */
class RequestLogger extends Logger {
  // Plain properties, set after Powertools' constructor (which may call the methods below).
  declare private pending?: PendingRequest;
  declare private direct: boolean;
  declare private threshold: number;
  declare private contextSeen: boolean;

  constructor() {
    super({ serviceName: SERVICE });
    this.direct = DIRECT;
    this.threshold = this.level;
    this.contextSeen = false;
  }

  /** The request's context and keys: to Powertools now on the first request (its cold start), later when needed. */
  public startRequest(context: Context | undefined, keys: Record<string, string | undefined>): void {
    this.pending = { context, keys };
    if (!this.direct || (context && !this.contextSeen)) this.givePending();
    if (context) this.contextSeen = true;
  }

  /**
   * The request's line as `info` writes it, with the metrics' document in the same JSON object (a key
   * both hold with different values, a dimension named like a log key, keeps them on two lines).
   * Above INFO, the metrics alone.
   */
  public writeRequest(line: Record<string, unknown>, document: Record<string, unknown> | undefined): void {
    if (this.threshold > LogLevelThreshold.INFO) {
      if (document) write(JSON.stringify(document));
      return;
    }
    const attributes = this.pending ? this.directAttributes(this.pending, line) : this.powertoolsAttributes(line);
    const text = this.pending ? JSON.stringify(attributes) : JSON.stringify(attributes, this.getJsonReplacer());
    if (!document) return write(text);
    const shared = Object.keys(document).filter((key) => key in attributes);
    if (shared.some((key) => attributes[key] !== document[key])) {
      write(JSON.stringify(document));
      return write(text);
    }
    for (const key of shared) delete document[key];
    write(`${text.slice(0, -1)},${JSON.stringify(document).slice(1)}`);
  }

  /** What Powertools' formatter writes for this logger (no persistent keys) and the request, in its order. */
  private directAttributes({ context, keys }: PendingRequest, line: Record<string, unknown>): Record<string, unknown> {
    const attributes: Record<string, unknown> = {
      level: 'INFO',
      message: 'Request',
      timestamp: new Date().toISOString(),
      service: SERVICE,
      // The first request with a context went through Powertools, so this one is warm.
      cold_start: context ? false : undefined,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      // No POWERTOOLS_LOGGER_SAMPLE_RATE (else Powertools writes every line): its default.
      sampling_rate: 0,
      xray_trace_id: xrayTraceId(),
      tenant_id: (context as { tenantId?: string } | undefined)?.tenantId,
      ...keys,
      ...line,
    };
    for (const key in attributes) {
      if (attributes[key] === undefined || attributes[key] === '' || attributes[key] === null) delete attributes[key];
    }
    return attributes;
  }

  private powertoolsAttributes(line: Record<string, unknown>): Record<string, unknown> {
    const item = this.createAndPopulateLogItem(LogLevelThreshold.INFO, 'Request', [line]);
    item.prepareForPrint();
    return item.getAttributes();
  }

  /** Powertools gets the request's context and keys before anything else reaches it. */
  private givePending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (pending.context) super.addContext(pending.context);
    super.resetKeys();
    super.appendKeys(pending.keys);
  }

  protected processLogItem(...args: Parameters<Logger['processLogItem']>): void {
    this.givePending();
    super.processLogItem(...args);
  }

  public addContext(...args: Parameters<Logger['addContext']>): void {
    this.givePending();
    super.addContext(...args);
  }

  public appendKeys(...args: Parameters<Logger['appendKeys']>): void {
    this.givePending();
    super.appendKeys(...args);
  }

  public removeKeys(...args: Parameters<Logger['removeKeys']>): void {
    this.givePending();
    super.removeKeys(...args);
  }

  public resetKeys(): void {
    this.givePending();
    super.resetKeys();
  }

  public appendPersistentKeys(...args: Parameters<Logger['appendPersistentKeys']>): void {
    // Persistent keys are on every line, which Powertools then writes (the direct line has none).
    this.givePending();
    this.direct = false;
    super.appendPersistentKeys(...args);
  }

  public setPersistentLogAttributes(...args: Parameters<Logger['setPersistentLogAttributes']>): void {
    this.givePending();
    this.direct = false;
    super.setPersistentLogAttributes(...args);
  }

  public createChild(...args: Parameters<Logger['createChild']>): Logger {
    this.givePending();
    return super.createChild(...args);
  }

  public setLogLevel(...args: Parameters<Logger['setLogLevel']>): void {
    super.setLogLevel(...args);
    this.threshold = this.level;
  }

  public refreshSampleRateCalculation(): void {
    super.refreshSampleRateCalculation();
    this.threshold = this.level;
  }
}

/** Powertools Metrics, which writes the request's document itself while a handler adds nothing (see above). */
class RequestMetrics extends Metrics {
  // Plain properties, set after Powertools' constructor (which may call the methods below).
  declare private touched: boolean;
  declare private ownDefaults: boolean;

  constructor() {
    super({ serviceName: SERVICE, namespace: NAMESPACE });
    this.touched = false;
    this.ownDefaults = false;
  }

  /** The request's metrics, `Requests` and `Latency` by status class, with any a handler added; none while metrics are off. */
  public requestDocument(statusClass: string, latency: number): Record<string, unknown> | undefined {
    if (!this.touched && !this.ownDefaults && NAMESPACE && !this.isDisabled()) {
      // As `serializeMetrics()` writes them for these two metrics and the default dimension.
      return {
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{
            Namespace: NAMESPACE,
            Dimensions: [['service', 'StatusClass']],
            Metrics: [{ Name: 'Requests', Unit: MetricUnit.Count }, { Name: 'Latency', Unit: MetricUnit.Milliseconds }],
          }],
        },
        service: SERVICE,
        StatusClass: statusClass,
        Requests: 1,
        Latency: latency,
      };
    }
    super.addDimension('StatusClass', statusClass);
    super.addMetric('Requests', MetricUnit.Count, 1);
    super.addMetric('Latency', MetricUnit.Milliseconds, latency);
    const document = this.isDisabled() ? undefined : this.serializeMetrics() as Record<string, unknown>;
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    this.touched = false;
    return document;
  }

  public addMetric(...args: Parameters<Metrics['addMetric']>): this {
    this.touched = true;
    return super.addMetric(...args);
  }

  public addDimension(...args: Parameters<Metrics['addDimension']>): this {
    this.touched = true;
    return super.addDimension(...args);
  }

  public addDimensions(...args: Parameters<Metrics['addDimensions']>): this {
    this.touched = true;
    return super.addDimensions(...args);
  }

  public addMetadata(...args: Parameters<Metrics['addMetadata']>): this {
    this.touched = true;
    return super.addMetadata(...args);
  }

  public setTimestamp(...args: Parameters<Metrics['setTimestamp']>): this {
    this.touched = true;
    return super.setTimestamp(...args);
  }

  public setDefaultDimensions(...args: Parameters<Metrics['setDefaultDimensions']>): this {
    // Also called by Powertools' constructor, before `ownDefaults` is set.
    if (this.ownDefaults !== undefined) this.ownDefaults = true;
    return super.setDefaultDimensions(...args);
  }

  public clearDefaultDimensions(): void {
    this.ownDefaults = true;
    super.clearDefaultDimensions();
  }
}

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The X-Ray trace id of this invocation, as Powertools reads it: the runtime's, else `_X_AMZN_TRACE_ID`'s `Root`. */
function xrayTraceId(): string | undefined {
  const runtime = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId(): string | undefined } } }).awslambda;
  const value = runtime?.InvokeStore?.getXRayTraceId() ?? env._X_AMZN_TRACE_ID ?? '';
  if (value === '') return undefined;
  if (!value.includes('=')) return value;
  for (const field of value.split(';')) {
    const [key, part] = field.split('=');
    if (key === 'Root') return part;
  }
  return undefined;
}

const requestLogger = new RequestLogger();
const requestMetrics = new RequestMetrics();

/**
 * Structured JSON logs (Powertools Logger). The level comes from `POWERTOOLS_LOG_LEVEL` and the
 * service from `POWERTOOLS_SERVICE_NAME`, both set on the function by `PrivateApp`.
 */
export const logger: Logger = requestLogger;

/**
 * CloudWatch metrics in embedded metric format (Powertools Metrics), in the namespace
 * `POWERTOOLS_METRICS_NAMESPACE`. Add your own with `metrics.addMetric(…)` in a handler:
 * they are published with the request's.
 */
export const metrics: Metrics = requestMetrics;

/** A request being answered. */
export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly started: number;
}

/**
 * Adds the Lambda request id and the caller's trace id (`X-Amzn-Trace-Id`, set by the load
 * balancer or API Gateway) to every log line of this request.
 */
export function beforeRequest(event: LambdaHttpEvent, context?: Context): RequestLog {
  requestLogger.startRequest(context, { trace_id: traceId(event), api_request_id: event.requestContext.requestId });
  return { method: event.httpMethod, path: event.path, started: performance.now() };
}

/**
 * One log line per request, which is also its metrics: `Requests` and `Latency` by status class
 * (`2xx` … `5xx`), and those its handler added.
 */
export function afterRequest(request: RequestLog, status: number): void {
  const latency = Math.round(performance.now() - request.started);
  const document = requestMetrics.requestDocument(`${Math.floor(status / 100)}xx`, latency);
  requestLogger.writeRequest({ method: request.method, path: request.path, status, latency_ms: latency }, document);
}

/** The `X-Amzn-Trace-Id` request header, in either event shape and any spelling. */
function traceId(event: LambdaHttpEvent): string | undefined {
  const direct = event.multiValueHeaders?.['x-amzn-trace-id']?.[0] ?? event.headers?.['x-amzn-trace-id'] ?? event.headers?.['X-Amzn-Trace-Id'];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === 'x-amzn-trace-id') return value?.[0];
  }
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === 'x-amzn-trace-id') return value;
  }
  return undefined;
}
