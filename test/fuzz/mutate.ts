/**
 * Hostile variants of a valid document: the structured half of the fuzzing.
 * Random text rarely gets past a parser's first check; a valid file with a few
 * subtrees replaced, removed or added (with keys such as __proto__) reaches
 * every field check behind it. Then, sometimes, the serialized text is
 * corrupted byte-wise too. Everything is driven by fast-check values, so a
 * failing case shrinks and replays from its seed.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys that mean something to JavaScript objects or to YAML, plus ordinary ones. */
const hostileKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', '<<'),
  fc.string({ maxLength: 12 }),
);

/** Values of every JSON type, including the shapes parsers trip on: huge numbers, -0, NaN-ish text, deep lists. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'null',
    '~',
    'true',
    '\u0000',
    '\u001b[2J',
    '../../etc/passwd',
    'https://evil.example',
    '10.0.0.0/40',
    '00000000-0000-0000-0000-000000000000',
    [],
    {},
    -0,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
);

type Op =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKeys, value: hostileValue }),
);

/** Every container in `root` with the path to it, depth first. */
function containers(root: Json): Json[] {
  const out: Json[] = [];
  const walk = (node: Json) => {
    if (node === null || typeof node !== 'object') return;
    out.push(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child);
  };
  walk(root);
  return out;
}

function apply(root: Json, original: Op): Json {
  // Values may be shared constants: each use gets its own copy, or a later op could make a cycle.
  const change = 'value' in original ? { ...original, value: structuredClone(original.value) } : original;
  const all = containers(root);
  if (all.length === 0) return change.kind === 'replace' ? change.value : root;
  const target = all[change.at % all.length] as Json[] | Record<string, Json>;
  const keys = Array.isArray(target) ? target.map((_, i) => i) : Object.keys(target);
  if (change.kind === 'add') {
    if (Array.isArray(target)) target.push(change.value);
    else
      Object.defineProperty(target, change.key, {
        value: change.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return root;
  }
  if (keys.length === 0) return root;
  const key = keys[change.at % keys.length] as never;
  if (change.kind === 'delete') {
    if (Array.isArray(target)) target.splice(key, 1);
    else delete target[key];
  } else (target as Record<string, Json>)[key] = change.value;
  return root;
}

/** Byte-level damage to serialized text: cut, duplicate, insert. */
const textDamage = fc.array(
  fc.record({ at: fc.nat(), cut: fc.nat({ max: 8 }), insert: fc.string({ maxLength: 6, unit: 'binary' }) }),
  { maxLength: 2 },
);

type Edit = { at: number; cut: number; insert: string };

function damage(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    out = out.slice(0, at) + edit.insert + out.slice(at + edit.cut);
  }
  return out;
}

/**
 * Text variants of `base`: a mutated copy written by one of `serializers`
 * (YAML block style and JSON, which is YAML too, reach different parser paths),
 * sometimes damaged, and sometimes plain random text.
 */
export function hostileDocuments(
  base: unknown,
  ...serializers: [(value: unknown) => string, ...((value: unknown) => string)[]]
): fc.Arbitrary<string> {
  const structured = fc
    .tuple(
      fc.array(op, { minLength: 1, maxLength: 4 }),
      fc.oneof(fc.constant([]), textDamage),
      fc.nat({ max: serializers.length - 1 }),
    )
    .map(([ops, edits, which]) => {
      let doc = structuredClone(base) as Json;
      for (const change of ops) doc = apply(doc, change);
      return damage((serializers[which] ?? serializers[0])(doc), edits);
    });
  return fc.oneof(
    { arbitrary: structured, weight: 8 },
    { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 1 },
    { arbitrary: fc.constant(serializers[0](base)), weight: 1 },
  );
}

/** A mutated copy of `base` as a value (for parsers that receive parsed JSON). */
export function hostileObjects(base: unknown): fc.Arbitrary<unknown> {
  return fc.array(op, { minLength: 0, maxLength: 4 }).map((ops) => {
    let doc = structuredClone(base) as Json;
    for (const change of ops) doc = apply(doc, change);
    return doc;
  });
}

/** The same edits on binary input (a PFX file), one byte per latin1 character; none at all sometimes. */
export const byteDamage: fc.Arbitrary<Edit[]> = fc.oneof(
  { arbitrary: fc.constant<Edit[]>([]), weight: 1 },
  {
    arbitrary: fc.array(
      fc.record({
        at: fc.nat(),
        cut: fc.nat({ max: 8 }),
        insert: fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    weight: 9,
  },
);

export function damageBytes(bytes: Buffer, edits: readonly Edit[]): Buffer {
  return Buffer.from(damage(bytes.toString('latin1'), edits), 'latin1');
}
