/**
 * The OData query options the emulator's Graph understands: `$filter` (eq,
 * ne, ge, gt, le, lt, startswith, `in`, `any` lambdas; joined by and/or),
 * `$select`, `$top` with `$skiptoken` paging (`@odata.nextLink`), `$count`.
 * Anything else in `$filter` is a Graph 400, as unsupported queries are in Graph.
 */
import { GraphFailure } from '../errors.js';

type Item = Record<string, unknown>;

/** What paging reads of a Graph request (request.ts's GraphRequest has it; this file stays below request.ts). */
export interface CollectionRequest {
  readonly ctx: { readonly baseUrl: string };
  readonly version: string;
  readonly path: string;
  readonly query: URLSearchParams;
}
type Predicate = (item: Item) => boolean;

function unsupported(filter: string): GraphFailure {
  return new GraphFailure(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified: ${filter}`,
  );
}

function literal(raw: string): unknown {
  const text = raw.trim();
  if (/^'.*'$/s.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z?$/.test(text)) return text;
  if (/^[0-9a-f-]{36}$/i.test(text)) return text;
  throw unsupported(raw);
}

function valueAt(item: Item, path: string): unknown {
  return path
    .split('/')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Item)[key] : undefined), item);
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?$/;

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    // Timestamps of different precision (…:14Z vs …:14.123Z) compare as instants, not as text.
    if (isoDateTime.test(a) && isoDateTime.test(b)) return Date.parse(a) - Date.parse(b);
    return a.toLowerCase().localeCompare(b.toLowerCase());
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return a === b ? 0 : Number.NaN;
}

function clause(text: string, filter: string): Predicate {
  const any = /^([\w/]+)\/any\(\s*(\w+)\s*:\s*\2\s+eq\s+(.+)\)$/i.exec(text);
  if (any) {
    const [, path = '', , raw = ''] = any;
    const wanted = literal(raw);
    return (item) => {
      const list = valueAt(item, path);
      return Array.isArray(list) && list.some((v) => compare(v, wanted) === 0);
    };
  }
  const starts = /^startswith\(\s*([\w/]+)\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(text);
  if (starts) {
    const [, path = '', raw = ''] = starts;
    const prefix = String(literal(raw)).toLowerCase();
    return (item) =>
      String(valueAt(item, path) ?? '')
        .toLowerCase()
        .startsWith(prefix);
  }
  const inList = /^([\w/]+)\s+in\s+\((.*)\)$/i.exec(text);
  if (inList) {
    const [, path = '', raw = ''] = inList;
    const values = raw.split(',').map(literal);
    return (item) => values.some((v) => compare(valueAt(item, path), v) === 0);
  }
  const binary = /^([\w/]+)\s+(eq|ne|ge|gt|le|lt)\s+(.+)$/i.exec(text);
  if (!binary) throw unsupported(filter);
  const [, path = '', op = '', raw = ''] = binary;
  const wanted = literal(raw);
  const test: Record<string, (c: number) => boolean> = {
    eq: (c) => c === 0,
    ne: (c) => c !== 0,
    ge: (c) => c >= 0,
    gt: (c) => c > 0,
    le: (c) => c <= 0,
    lt: (c) => c < 0,
  };
  const check = test[op.toLowerCase()] ?? (() => false);
  return (item) => {
    const actual = valueAt(item, path);
    if (actual === undefined) throw unsupported(filter);
    return check(compare(actual, wanted));
  };
}

/** Parses `$filter`; the predicate reads Graph JSON properties. */
export function parseFilter(filter: string | null): Predicate {
  if (!filter?.trim()) return () => true;
  const ors = filter
    .split(/\s+or\s+/i)
    .map((part) => part.split(/\s+and\s+/i).map((c) => clause(c.trim().replace(/^\((.*)\)$/, '$1'), filter)));
  return (item) => ors.some((ands) => ands.every((p) => p(item)));
}

/** `$select`: only the named properties (Graph returns nothing else). */
export function project(item: Item, select: string | null, always: readonly string[] = []): Item {
  if (!select) return item;
  const names = select
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: Item = {};
  for (const key of [...always, ...names]) if (key in item) out[key] = item[key];
  return out;
}

const defaultPageSize = 100;

/** Filters, pages and shapes a collection response with `@odata.nextLink` (a `$skiptoken` offset). */
export function collection(
  req: CollectionRequest,
  context: string,
  items: Item[],
  options: { filter?: boolean; select?: (item: Item) => Item; pageSize?: number; maxPageSize?: number } = {},
): Item {
  const predicate = options.filter === false ? () => true : parseFilter(req.query.get('$filter'));
  const matched = items.filter(predicate);
  const topRaw = req.query.get('$top');
  const top = topRaw === null ? (options.pageSize ?? defaultPageSize) : Number(topRaw);
  if (topRaw !== null && (!Number.isInteger(top) || top < 1 || top > (options.maxPageSize ?? 999))) {
    throw new GraphFailure(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${topRaw}'. Must be between 1 and ${options.maxPageSize ?? 999} inclusive.`,
    );
  }
  const offset = decodeSkipToken(req.query.get('$skiptoken'));
  const page = matched.slice(offset, offset + top);
  const body: Item = { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#${context}` };
  if (req.query.get('$count') === 'true' && offset === 0) body['@odata.count'] = matched.length;
  if (offset + top < matched.length) {
    const next = new URLSearchParams(req.query);
    next.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + top })).toString('base64url'));
    body['@odata.nextLink'] = `${req.ctx.baseUrl}/${req.version}${req.path}?${odataQuery(next)}`;
  }
  body.value = page.map((item) =>
    options.select ? options.select(item) : project(item, req.query.get('$select')),
  );
  return body;
}

/** A query string with OData's `$` option names left readable, as Graph writes its links. */
export function odataQuery(query: URLSearchParams): string {
  return query.toString().replace(/%24/g, '$');
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new GraphFailure(400, 'Request_BadRequest', 'The $skiptoken is not valid.');
}
