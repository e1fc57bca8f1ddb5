import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { PeerServer } from 'peer';
import { E2E_PEER_PORT } from './build';

/**
 * The PeerServer (`peer` package) the e2e build signals through: 127.0.0.1:9000/peerjs (or
 * `SOTTO_E2E_PEER_PORT`), as
 * E2E_BUILD_ENV says. It records which peer ids connected, and can go away and come back
 * (an outage) on the same port.
 */
export interface TestPeerServer {
  /** Every peer id that ever connected, in order. */
  readonly ids: string[];
  /** Peer ids connected now. */
  connected(): string[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const PEER_SERVER = { host: '127.0.0.1', port: E2E_PEER_PORT, path: '/peerjs' } as const;

export async function startPeerServer(): Promise<TestPeerServer> {
  const ids: string[] = [];
  const live = new Set<string>();
  let server: Server | null = null;
  const sockets = new Set<Socket>();

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const app = PeerServer(
        { ...PEER_SERVER, allow_discovery: false, alive_timeout: 20_000 },
        (http) => {
          server = http as Server;
          server.on('connection', (socket: Socket) => {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
          });
          resolve();
        },
      );
      app.on('connection', (client) => {
        ids.push(client.getId());
        live.add(client.getId());
      });
      app.on('disconnect', (client) => live.delete(client.getId()));
      setTimeout(
        () => reject(new Error(`PeerServer did not start on port ${E2E_PEER_PORT}`)),
        10_000,
      );
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = null;
      if (!closing) return resolve();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      live.clear();
      closing.close(() => resolve());
    });

  await start();
  return { ids, connected: () => [...live], stop, start };
}
