/**
 * The webhook's shared state in Redis, as plain keys under one prefix per
 * tenant and grant scope (two clusters with the same access file share them,
 * so they share one leader and one Graph poller):
 *
 *   {prefix}:lease     holder id of the leader, with a TTL (SET NX PX, renewed by a script)
 *   {prefix}:fence     fencing token: INCR on every takeover; a write carries it
 *   {prefix}:stream    Redis Stream of ChangeBatches; field b = batch JSON, n = sequence, f = fence
 *   {prefix}:snapshot  the directory state at a stream position (snapshot.ts)
 *   {prefix}:resync    set by a replica that found no usable snapshot: the leader lists everything again
 *
 * Writes to the stream go through a Lua script that checks the lease holder and
 * the fence in the same atomic step as the XADD, so a leader that lost its lease
 * (paused, partitioned) can never write after its successor started.
 * Sources: redis.io/docs/latest/develop/use/patterns/distributed-locks (fencing),
 * redis.io/docs/latest/commands/xadd, /xread.
 */
import type { Redis } from '../../adapters/redis.js';
import type { ChangeBatch } from '../directory-changes.js';

export interface StreamEntry {
  id: string;
  /** Sequence number: each entry is the previous one's + 1 (a gap means entries were trimmed away). */
  n: number;
  batch: ChangeBatch;
}

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const appendScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('KENTRA_NOT_LEADER') end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return redis.error_reply('KENTRA_FENCED') end
return redis.call('XADD', KEYS[3], '*', 'n', ARGV[3], 'f', ARGV[2], 'b', ARGV[4])`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisStateStore {
  readonly keys: { lease: string; fence: string; stream: string; snapshot: string; resync: string };

  constructor(
    /** Commands (never blocked). */
    private readonly redis: Redis,
    /** A second connection for the blocking XREAD. */
    private readonly reader: Redis,
    prefix: string,
  ) {
    this.keys = {
      lease: `${prefix}:lease`,
      fence: `${prefix}:fence`,
      stream: `${prefix}:stream`,
      snapshot: `${prefix}:snapshot`,
      resync: `${prefix}:resync`,
    };
  }

  async connect(): Promise<void> {
    await Promise.all([connectOnce(this.redis), connectOnce(this.reader)]);
  }

  disconnect(): void {
    this.redis.disconnect();
    this.reader.disconnect();
  }

  /** Takes the lease when nobody holds it; returns the new fencing token, or undefined. */
  async acquire(holder: string, ttlMs: number): Promise<number | undefined> {
    const taken = await this.redis.set(this.keys.lease, holder, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    return this.redis.incr(this.keys.fence);
  }

  /** Extends the lease while this holder still has it. */
  async renew(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(renewScript, 1, this.keys.lease, holder, String(ttlMs))) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.redis.eval(releaseScript, 1, this.keys.lease, holder);
  }

  /** Appends a batch if `holder` still leads with `fence`; returns the entry id. */
  async append(holder: string, fence: number, n: number, batch: ChangeBatch): Promise<string> {
    return (await this.redis.eval(
      appendScript,
      3,
      this.keys.lease,
      this.keys.fence,
      this.keys.stream,
      holder,
      String(fence),
      String(n),
      JSON.stringify(batch),
    )) as string;
  }

  /** Entries after `afterId`, waiting up to `blockMs` for the first. */
  async read(afterId: string, blockMs: number, count = 500): Promise<StreamEntry[]> {
    const answer = (await this.reader.xread(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.keys.stream,
      afterId,
    )) as Array<[string, Array<[string, string[]]>]> | null;
    return (answer?.[0]?.[1] ?? []).map(([id, fields]) => entryOf(id, fields));
  }

  /** The last entry, or undefined when the stream is empty. */
  async last(): Promise<StreamEntry | undefined> {
    const [entry] = (await this.redis.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1)) as Array<
      [string, string[]]
    >;
    return entry && entryOf(entry[0], entry[1]);
  }

  /** The first entry, or undefined when the stream is empty. */
  async first(): Promise<StreamEntry | undefined> {
    const [entry] = (await this.redis.xrange(this.keys.stream, '-', '+', 'COUNT', 1)) as Array<
      [string, string[]]
    >;
    return entry && entryOf(entry[0], entry[1]);
  }

  async readSnapshot(): Promise<string | null> {
    return this.redis.get(this.keys.snapshot);
  }

  /** Stores a snapshot and drops the stream entries it covers that are older than `keepFromId`. */
  async writeSnapshot(text: string, keepFromId: string | undefined): Promise<void> {
    await this.redis.set(this.keys.snapshot, text);
    if (keepFromId) await this.redis.xtrim(this.keys.stream, 'MINID', keepFromId);
  }

  async requestResync(): Promise<void> {
    await this.redis.set(this.keys.resync, '1', 'EX', 3600);
  }

  /** True (once) when a replica asked for a full resynchronisation. */
  async takeResyncRequest(): Promise<boolean> {
    return (await this.redis.del(this.keys.resync)) === 1;
  }
}

function entryOf(id: string, fields: string[]): StreamEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  return { id, n: Number(map.get('n')), batch: JSON.parse(map.get('b') ?? '{}') as ChangeBatch };
}

async function connectOnce(client: Redis): Promise<void> {
  if (client.status === 'ready' || client.status === 'connecting' || client.status === 'reconnecting') return;
  await client.connect();
}
