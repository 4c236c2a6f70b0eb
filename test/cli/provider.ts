import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as path from 'path';
import { tempDir } from './util';

/**
 * A stand-in identity provider on 127.0.0.1 for the sign-in's discovery: an HTTPS server with a
 * certificate for `host` (made by openssl, trusted only by whoever is given it), serving a
 * discovery document; and a CONNECT proxy, as in a corporate network, that takes the CLI there.
 */
export interface LocalProvider {
  readonly host: string;
  readonly issuer: string;
  /** The certificate, PEM, and a file holding it (for NODE_EXTRA_CA_CERTS). */
  readonly ca: string;
  readonly caFile: string;
  /** The HTTPS server's port on 127.0.0.1. */
  readonly port: number;
  /** The proxy's URL (HTTPS_PROXY): every CONNECT goes to the HTTPS server. */
  readonly proxy: string;
  /** The requests the server answered, by path. */
  readonly requests: string[];
  /** What the server answers from now on: the document, or a status and body. */
  answer(response: { status?: number; body: unknown }): void;
  close(): Promise<void>;
}

export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: ['code'],
  };
}

export async function startProvider(host = 'idp.corp.example.test', issuerPath = '/oauth2/default'): Promise<LocalProvider> {
  const dir = tempDir('chs-idp-');
  const key = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', caFile, '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], { encoding: 'utf-8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const issuer = `https://${host}${issuerPath}`;
  let response: { status?: number; body: unknown } = { body: discoveryDocument(issuer) };
  const requests: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(caFile) }, (request, reply) => {
    requests.push(request.url ?? '');
    reply.writeHead(response.status ?? 200, { 'content-type': 'application/json' });
    reply.end(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
  });
  const proxy = http.createServer((_, reply) => { reply.writeHead(405); reply.end(); });
  proxy.on('connect', (_request, client: net.Socket) => {
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  // Every socket, tunnels included, is closed with the servers.
  const sockets = new Set<net.Socket>();
  for (const s of [server, proxy]) s.on('connection', (socket: net.Socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  const listen = (s: net.Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));
  const port = await listen(server);
  const proxyPort = await listen(proxy);
  return {
    host,
    issuer,
    ca: fs.readFileSync(caFile, 'utf-8'),
    caFile,
    port,
    proxy: `http://127.0.0.1:${proxyPort}`,
    requests,
    answer: (next) => { response = next; },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([server, proxy].map((s) => new Promise((resolve) => s.close(resolve))));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
