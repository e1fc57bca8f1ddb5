import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';

/** The TURN user the relay test configures (long-term credentials, TESTING.md). */
export const TURN_SERVER = {
  urls: 'turn:127.0.0.1:3478',
  username: 'test',
  credential: 'secret',
};

/**
 * Debian's coturn on loopback (`turnserver`, from the `coturn` package), flags as in
 * ../shared/design/TESTING.md. Loopback peers need `--allow-loopback-peers`.
 */
export async function startTurnServer(): Promise<{ stop(): Promise<void> }> {
  let child: ChildProcess;
  try {
    child = spawn(
      'turnserver',
      [
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        '--listening-port=3478',
        '--allow-loopback-peers',
        '--no-tls',
        '--no-dtls',
        '--lt-cred-mech',
        `--user=${TURN_SERVER.username}:${TURN_SERVER.credential}`,
        '--realm=sotto.test',
        '--no-cli',
        '--log-file=stdout',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    throw new Error('turnserver was not found: apt-get install -y coturn');
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => {});
  // Ready when it accepts TCP on 3478 (it listens on UDP and TCP).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: 3478 }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error('turnserver did not start on 127.0.0.1:3478 (is coturn installed?)');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
