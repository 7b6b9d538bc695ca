/**
 * An in-memory directory behind the GraphReader interface, for unit tests of
 * the live state: users and groups, delta queries answered from a change log
 * (full sync first, then only what changed since the deltaLink's token),
 * getMemberGroups, and injectable faults (429 with Retry-After, 503).
 * The e2e tests use the real emulator instead.
 */
import { type GraphReader, GraphUnavailable } from '../../../src/webhook/graph-reader.js';

interface Change {
  kind: 'users' | 'groups';
  item: Record<string, unknown>;
}

export class FakeGraph implements GraphReader {
  readonly users = new Map<string, { accountEnabled: boolean; sessionsValidFrom?: string }>();
  readonly groups = new Map<string, Set<string>>();
  private readonly log: Change[] = [];
  private faults: Array<{ status: number; retryAfter?: string; match?: string }> = [];
  readonly calls: string[] = [];

  addUser(id: string, accountEnabled = true): void {
    this.users.set(id, { accountEnabled });
    this.log.push({ kind: 'users', item: { id, accountEnabled } });
  }

  addGroup(id: string, members: string[] = []): void {
    this.groups.set(id, new Set(members));
    this.log.push({
      kind: 'groups',
      item: { id, 'members@delta': members.map((m) => ({ '@odata.type': this.typeOf(m), id: m })) },
    });
  }

  addMember(group: string, member: string): void {
    this.groups.get(group)?.add(member);
    this.log.push({
      kind: 'groups',
      item: { id: group, 'members@delta': [{ '@odata.type': this.typeOf(member), id: member }] },
    });
  }

  removeMember(group: string, member: string): void {
    this.groups.get(group)?.delete(member);
    this.log.push({
      kind: 'groups',
      item: {
        id: group,
        'members@delta': [
          { '@odata.type': this.typeOf(member), id: member, '@removed': { reason: 'deleted' } },
        ],
      },
    });
  }

  disable(id: string): void {
    const user = this.users.get(id);
    if (user) user.accountEnabled = false;
    this.log.push({ kind: 'users', item: { id, accountEnabled: false } });
  }

  revokeSessions(id: string, at: Date): void {
    this.log.push({ kind: 'users', item: { id, signInSessionsValidFromDateTime: at.toISOString() } });
  }

  /** The next `count` requests fail with this status. */
  fail(status: number, count: number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, retryAfter });
  }

  /** The next `count` requests whose URL contains `match` fail with this status. */
  failOn(match: string, status: number, count: number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, retryAfter, match });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async get(pathOrUrl: string): Promise<Record<string, unknown>> {
    this.calls.push(`GET ${pathOrUrl}`);
    this.maybeFail(pathOrUrl);
    const url = new URL(pathOrUrl, 'https://graph.test/v1.0/');
    const members = /\/groups\/([^/]+)\/members$/.exec(url.pathname);
    if (members) {
      // A group's members read on demand (a group nested into the scope after its delta item).
      const ids = this.groups.get(decodeURIComponent(members[1] ?? '')) ?? new Set<string>();
      return { value: [...ids].map((id) => ({ '@odata.type': this.typeOf(id), id })) };
    }
    const kind = url.pathname.includes('/users/') ? 'users' : 'groups';
    const from = Number(url.searchParams.get('$deltatoken') ?? '0');
    // Two pages for a full sync, to exercise nextLink paging.
    const page = url.searchParams.get('page');
    const items = this.log.slice(from).filter((c) => c.kind === kind);
    if (from === 0 && page === null && items.length > 1) {
      return {
        value: items.slice(0, 1).map((c) => c.item),
        '@odata.nextLink': `https://graph.test/v1.0/${kind}/delta?page=2`,
      };
    }
    const rest = from === 0 && page !== null ? items.slice(1) : items;
    return {
      value: rest.map((c) => c.item),
      '@odata.deltaLink': `https://graph.test/v1.0/${kind}/delta?$deltatoken=${this.log.length}`,
    };
  }

  async post(path: string): Promise<Record<string, unknown>> {
    this.calls.push(`POST ${path}`);
    this.maybeFail(path);
    const oid = decodeURIComponent(path.split('/')[2] ?? '');
    return { value: [...this.transitive(oid)] };
  }

  private transitive(id: string): Set<string> {
    const result = new Set<string>();
    const visit = (member: string) => {
      for (const [group, members] of this.groups)
        if (members.has(member) && !result.has(group)) {
          result.add(group);
          visit(group);
        }
    };
    visit(id);
    return result;
  }

  private typeOf(id: string): string {
    return this.groups.has(id) ? '#microsoft.graph.group' : '#microsoft.graph.user';
  }

  private maybeFail(what: string): void {
    const index = this.faults.findIndex((f) => f.match === undefined || what.includes(f.match));
    if (index < 0) return;
    const [fault] = this.faults.splice(index, 1);
    if (!fault) return;
    throw new GraphUnavailable(
      fault.status,
      fault.retryAfter === undefined ? undefined : Number(fault.retryAfter) * 1000,
      what,
    );
  }
}
