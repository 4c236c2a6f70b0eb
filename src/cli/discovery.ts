import * as http from 'http';
import * as https from 'https';
import type * as net from 'net';
import * as tls from 'tls';
import { checkHttpsUrl, show } from '../validate';

/**
 * OpenID Connect discovery (OpenID Connect Discovery 1.0, section 4): the provider's endpoints
 * from `<issuer>/.well-known/openid-configuration`, so that the sign-in questions offer them
 * instead of asking for three URLs. Offline-safe: any failure (no network, a closed firewall,
 * an untrusted certificate, a document that does not fit) is a short reason, and the endpoints
 * are then typed by hand. Honours HTTPS_PROXY and NO_PROXY, as corporate networks need.
 */

/** The endpoints the load balancer needs, as the document names them. */
export interface DiscoveredEndpoints {
  /** The issuer as the document names it (its tokens carry exactly this). */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** Recommended, not required, by the standard: asked for by hand when missing. */
  readonly userInfoEndpoint?: string;
}

export type DiscoveryResult = { readonly url: string } & (
  | { readonly endpoints: DiscoveredEndpoints; readonly problem?: undefined }
  | { readonly problem: string; readonly endpoints?: undefined });

/** Discovers a provider's endpoints; `discover` below in the CLI, a stand-in in tests. */
export type Discover = (issuer: string) => Promise<DiscoveryResult>;

export interface DiscoverOptions {
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** Where HTTPS_PROXY and NO_PROXY are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Certificates to trust besides Node's (tests; users set NODE_EXTRA_CA_CERTS). */
  readonly ca?: string | Buffer;
  /** Name resolution (tests). @default - the system's */
  readonly lookup?: net.LookupFunction;
}

/** The largest document read: real ones are a few kilobytes. */
const MAX_BYTES = 256 * 1024;

/** Where the discovery document of an issuer is: its path with `/.well-known/openid-configuration` appended. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Reads the discovery document of `issuer` and returns its endpoints, or why it could not. */
export async function discover(issuer: string, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const url = discoveryUrl(issuer);
  let body: string;
  try {
    body = await getText(new URL(url), options);
  } catch (error) {
    return { url, problem: reasonOf(error, options.timeoutMs ?? 5000) };
  }
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return { url, problem: 'it is not JSON' };
  }
  const read = endpointsOf(document, issuer);
  return 'problem' in read ? { url, problem: read.problem } : { url, endpoints: read };
}

/** The endpoints of a parsed document, checked as the load balancer will use them. */
export function endpointsOf(document: unknown, issuer: string): DiscoveredEndpoints | { problem: string } {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return { problem: 'it is not a JSON object' };
  const doc = document as Record<string, unknown>;
  // The standard requires the very issuer asked for; a final "/" of difference is taken as the document has it.
  if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/$/, '') !== issuer.replace(/\/$/, '')) {
    return { problem: `it names the issuer ${show(doc.issuer)}, not the one typed` };
  }
  const fields = { authorizationEndpoint: 'authorization_endpoint', tokenEndpoint: 'token_endpoint', userInfoEndpoint: 'userinfo_endpoint' } as const;
  const found: Record<string, string> = { issuer: doc.issuer };
  for (const [field, name] of Object.entries(fields)) {
    const value = doc[name];
    if (value === undefined && field === 'userInfoEndpoint') continue;
    const problem = checkHttpsUrl(value);
    if (problem) return { problem: `its ${name} is not usable: ${problem.replace(/\.$/, '')}` };
    found[field] = value as string;
  }
  return found as unknown as DiscoveredEndpoints;
}

/** A short reason for a failed request, for one line under the question. */
function reasonOf(error: unknown, timeoutMs: number): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (code === 'ETIMEDOUT') return `no answer within ${timeoutMs / 1000} s`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name was not found (${code}; offline?)`;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return `its certificate is not trusted here (${code}); NODE_EXTRA_CA_CERTS=<your CA bundle> makes Node.js trust your company's CA`;
  }
  return (message || String(error)).replace(/\.$/, '');
}

/** The proxy for `host`, from HTTPS_PROXY (or https_proxy) unless NO_PROXY lists the host or a domain above it. */
export function proxyFor(host: string, env: NodeJS.ProcessEnv): URL | undefined {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy;
  if (!proxy) return undefined;
  const exempt = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const name = host.toLowerCase();
  if (exempt.some((entry) => entry === '*' || name === entry.replace(/^\./, '') || name.endsWith(entry.startsWith('.') ? entry : `.${entry}`))) return undefined;
  try {
    return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  } catch {
    return undefined;
  }
}

/** GETs an https URL (through the proxy, if any): the body of a 200 answer, at most MAX_BYTES. */
async function getText(url: URL, options: DiscoverOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = timeoutError(timeoutMs);
  const proxy = proxyFor(url.hostname, options.env ?? process.env);
  let tunnel: net.Socket | undefined;
  try {
    if (proxy) tunnel = await Promise.race([connectThrough(proxy, url.hostname, Number(url.port || 443)), deadline.promise]);
    const socket = tunnel;
    const ca = options.ca === undefined ? undefined : [...tls.rootCertificates, String(options.ca)];
    return await Promise.race([new Promise<string>((resolve, reject) => {
      const request = https.get(url, {
        headers: { accept: 'application/json' },
        ca,
        lookup: options.lookup,
        ...(socket ? { agent: tunnelAgent(socket, url.hostname, ca) } : {}),
      }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`it answered ${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}`));
          return;
        }
        let body = '';
        response.setEncoding('utf-8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BYTES) {
            request.destroy(new Error(`it is larger than ${MAX_BYTES / 1024} KiB`));
          }
        });
        response.on('end', () => resolve(body));
        response.on('error', reject);
      });
      request.on('error', reject);
      deadline.onTimeout(() => request.destroy());
    }), deadline.promise]);
  } finally {
    deadline.clear();
    tunnel?.destroy();
  }
}

/** An agent whose one connection is TLS with the provider itself, inside the proxy's tunnel. */
function tunnelAgent(socket: net.Socket, servername: string, ca: string[] | undefined): https.Agent {
  const agent = new https.Agent({ keepAlive: false });
  (agent as unknown as { createConnection: () => net.Socket }).createConnection = () => tls.connect({ socket, servername, ca });
  return agent;
}

/** A promise that rejects with ETIMEDOUT after `ms`, and what to do then. */
function timeoutError(ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const onTimeout: Array<() => void> = [];
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const action of onTimeout) action();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, ms);
    timer.unref();
  });
  promise.catch(() => undefined);
  return { promise, onTimeout: (action: () => void) => onTimeout.push(action), clear: () => clearTimeout(timer) };
}

/** A tunnel to `host:port` through an HTTP proxy (`CONNECT`), with its credentials if the URL has any. */
function connectThrough(proxy: URL, host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const credentials = proxy.username
      ? { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` }
      : {};
    const request = http.request({
      host: proxy.hostname,
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers: { host: `${host}:${port}`, ...credentials },
    });
    request.on('connect', (response, socket) => {
      if (response.statusCode === 200) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(new Error(`the proxy ${proxy.host} answered ${response.statusCode}`));
      }
    });
    request.on('error', (error) => reject(new Error(`the proxy ${proxy.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    request.end();
  });
}
