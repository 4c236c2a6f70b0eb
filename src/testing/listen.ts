import type { Server } from 'node:http';

/** Starts `server` on 127.0.0.1 (never another interface) at `port` (0: any free one); rejects if it cannot listen. */
export function listenLocally(server: Server, port = 0): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(port, '127.0.0.1', resolve);
  });
}
