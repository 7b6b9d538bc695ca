/**
 * A Graph tenant behind a FetchLike, for the model-based test of the live
 * state: users/delta and groups/delta (full rounds list everything, delta
 * links list the change log since), `/groups/{id}/members`, small pages, and a
 * fault plan consumed one request at a time: 429 with Retry-After, 503, a
 * timeout, a connection torn mid-body (truncated JSON or a reset).
 *
 * It also keeps the reference model's input: every page it delivered whole is
 * applied, with Graph's own semantics, to `known` (reference.ts) — what a
 * correct webhook knows after reading exactly those pages.
 */
import type { FetchLike } from '../../../../src/adapters/graph/client.js';
import { type Item, ReferenceKnowledge } from './reference.js';

export type Fault = '429' | '503' | 'timeout' | 'torn-body' | 'torn-reset';

interface Logged {
  stream: 'users' | 'groups';
  item: Item;
}

export class ScriptedGraph {
  readonly users = new Map<string, { enabled: boolean; validFrom: number }>();
  readonly groups = new Map<string, Set<string>>();
  private readonly log: Logged[] = [];
  private faults: Array<Fault | undefined> = [];
  readonly known: ReferenceKnowledge;
  /** Requests answered, by outcome, for assertions. */
  readonly served: string[] = [];

  constructor(
    readonly base: string,
    private readonly pageSize: number,
    now: () => number,
  ) {
    this.known = new ReferenceKnowledge(now);
  }

  /** The next requests meet these faults in order (undefined: answered normally). */
  plan(faults: Array<Fault | undefined>): void {
    this.faults = [...faults];
  }

  isGroup(id: string): boolean {
    return this.groups.has(id);
  }

  setUser(id: string, change: { enabled?: boolean; validFrom?: number }): void {
    const user = { ...(this.users.get(id) ?? { enabled: true, validFrom: 0 }), ...change };
    this.users.set(id, user);
    this.log.push({ stream: 'users', item: this.userItem(id) });
  }

  deleteUser(id: string): void {
    if (!this.users.delete(id)) return;
    for (const [group, members] of this.groups) if (members.has(id)) this.setMember(group, id, false);
    this.log.push({ stream: 'users', item: { id, '@removed': { reason: 'changed' } } });
  }

  addGroup(id: string): void {
    this.groups.set(id, new Set());
    this.log.push({ stream: 'groups', item: { id, displayName: id, 'members@delta': [] } });
  }

  setMember(group: string, member: string, present: boolean): void {
    const members = this.groups.get(group);
    if (!members || members.has(member) === present) return;
    if (present) members.add(member);
    else members.delete(member);
    this.log.push({
      stream: 'groups',
      item: { id: group, 'members@delta': [{ ...this.ref(member), ...(present ? {} : { '@removed': {} }) }] },
    });
  }

  fetch: FetchLike = async (url) => {
    const fault = this.faults.shift();
    const parsed = new URL(url);
    if (fault === 'timeout') {
      this.served.push('timeout');
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    if (fault === '429' || fault === '503') {
      this.served.push(fault);
      return answer(Number(fault), { error: { code: 'TooManyRequests' } }, fault === '429' ? '1' : null);
    }
    const body = this.route(parsed, fault === undefined);
    this.served.push(fault ?? 'ok');
    if (fault === 'torn-body')
      return { status: 200, headers: { get: () => null }, text: async () => body.slice(0, body.length >> 1) };
    if (fault === 'torn-reset')
      return {
        status: 200,
        headers: { get: () => null },
        text: async () => {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        },
      };
    return answer(200, JSON.parse(body));
  };

  /** Builds the page; when `deliver`, the reference learns it (the client will read it whole). */
  private route(url: URL, deliver: boolean): string {
    const path = url.pathname.replace(/^\/v1\.0/, '');
    const members = /^\/groups\/([^/]+)\/members$/.exec(path);
    if (members) {
      const id = decodeURIComponent(members[1] as string);
      const refs = [...(this.groups.get(id) ?? [])].map((m) => this.ref(m));
      if (deliver) this.known.replaceMembers(id, refs);
      return JSON.stringify({ value: refs });
    }
    const stream = path === '/users/delta' ? 'users' : 'groups';
    const skip = url.searchParams.get('$skiptoken');
    const delta = url.searchParams.get('$deltatoken');
    // Position: since (-1 = full round), until (log length at round start), offset.
    const [since = -1, until = 0, offset = 0] = skip
      ? skip.split('.').map(Number)
      : [delta === null ? -1 : Number(delta), this.log.length, 0];
    const items =
      since === -1
        ? stream === 'users'
          ? [...this.users.keys()].map((id) => this.userItem(id))
          : [...this.groups].map(([id, m]) => ({
              id,
              displayName: id,
              'members@delta': [...m].map((x) => this.ref(x)),
            }))
        : this.log
            .slice(since, until)
            .filter((e) => e.stream === stream)
            .map((e) => e.item);
    const page = items.slice(offset, offset + this.pageSize);
    const last = offset + this.pageSize >= items.length;
    const body: Record<string, unknown> = { value: page };
    const link = `${this.base}/v1.0/${stream}/delta?`;
    if (last) body['@odata.deltaLink'] = `${link}$deltatoken=${until}`;
    else body['@odata.nextLink'] = `${link}$skiptoken=${since}.${until}.${offset + this.pageSize}`;
    if (deliver) this.known.learn(stream, page, { full: since === -1, first: offset === 0, last });
    return JSON.stringify(body);
  }

  private userItem(id: string): Item {
    const user = this.users.get(id) ?? { enabled: true, validFrom: 0 };
    return {
      id,
      accountEnabled: user.enabled,
      signInSessionsValidFromDateTime: new Date(user.validFrom).toISOString(),
      userType: 'Member',
    };
  }

  private ref(id: string): Item {
    return { '@odata.type': this.isGroup(id) ? '#microsoft.graph.group' : '#microsoft.graph.user', id };
  }
}

function answer(status: number, body: unknown, retryAfter: string | null = null) {
  return {
    status,
    headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? retryAfter : null) },
    text: async () => JSON.stringify(body),
  };
}
