/**
 * A real redis-server (Debian's) for the webhook's shared state, on a free
 * loopback port, persisting nothing, with its own folder. `stop()` and
 * `start()` again on the same port are the "store unreachable" fault.
 *
 *   const redis = await startRedis();   // redis.url = redis://127.0.0.1:PORT
 *   await redis.stop(); await redis.start();
 *   await redis.command('SET', 'k', 'v'); // redis-cli, for corrupting a snapshot in a test
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { type Daemon, run, startDaemon } from './processes.js';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** (Re)starts the server on the same port; it starts empty. */
  start(): Promise<void>;
  stop(): Promise<void>;
  command(...args: string[]): Promise<string>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is not installed: the webhook shared-state tests need it (Debian: apt-get install redis-server; `npm test` installs it when it can)',
    );
  }
}

export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerPath();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'kentra-redis-'));
  let daemon: Daemon | undefined;
  const start = async () => {
    const log = join(dir, `redis-${Date.now()}.log`);
    daemon = startDaemon(
      'redis-server',
      binary,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--protected-mode',
        'yes',
      ],
      log,
    );
    const started = Date.now();
    for (;;) {
      const text = await readFile(log, 'utf8').catch(() => '');
      if (text.includes('Ready to accept connections')) return;
      if (Date.now() - started > 15_000) throw new Error(`redis-server did not start; see ${log}`);
      await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      await daemon?.stop();
    },
    async command(...args) {
      const result = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
      if (result.code !== 0) throw new Error(`redis-cli ${args[0]} failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    async dispose() {
      await daemon?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
