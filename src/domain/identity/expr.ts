/**
 * A tiny expression language over token claims with two interpreters: `toCel`
 * renders it as the CEL that kube-apiserver evaluates (AuthenticationConfiguration
 * `claimMappings` and `claimValidationRules`), and `evaluate` runs it in
 * TypeScript (the TokenReview webhook, `kentra verify`). Both read the same
 * tree, so the cluster and kentra cannot map a token differently.
 *
 * Semantics follow CEL as kube-apiserver runs it: reading a claim that is not
 * present is an error (the token is rejected), `has()` tests presence, and
 * type mismatches are errors. See
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration
 */

export type Claims = Readonly<Record<string, unknown>>;

export type Expr =
  | { op: 'claim'; name: string }
  | { op: 'has'; name: string }
  /** `has(claims.name.key)`: the claim is a map (JSON object) with that key; an error when it is not a map. */
  | { op: 'hasKey'; name: string; key: string }
  | { op: 'lit'; value: string | number | boolean | readonly string[] }
  /** A list built from expressions, `[a, b]`. */
  | { op: 'list'; items: readonly Expr[] }
  | { op: 'concat'; parts: readonly Expr[] }
  | { op: 'eq' | 'ne'; left: Expr; right: Expr }
  | { op: 'le'; left: Expr; right: Expr }
  | { op: 'sub'; left: Expr; right: Expr }
  | { op: 'in'; item: Expr; list: Expr }
  | { op: 'and' | 'or'; terms: readonly Expr[] }
  | { op: 'not'; term: Expr }
  | { op: 'str'; term: Expr }
  | { op: 'if'; cond: Expr; then: Expr; else: Expr }
  /** `list.map(v, prefix + v)`: every element of a string list, prefixed. */
  | { op: 'prefixAll'; list: Expr; prefix: string };

/** Builders, so that rules read like the CEL they become. */
export const x = {
  claim: (name: string): Expr => ({ op: 'claim', name }),
  has: (name: string): Expr => ({ op: 'has', name }),
  hasKey: (name: string, key: string): Expr => ({ op: 'hasKey', name, key }),
  lit: (value: string | number | boolean | readonly string[]): Expr => ({ op: 'lit', value }),
  list: (...items: Expr[]): Expr => ({ op: 'list', items }),
  concat: (...parts: Expr[]): Expr => ({ op: 'concat', parts }),
  eq: (left: Expr, right: Expr): Expr => ({ op: 'eq', left, right }),
  ne: (left: Expr, right: Expr): Expr => ({ op: 'ne', left, right }),
  le: (left: Expr, right: Expr): Expr => ({ op: 'le', left, right }),
  sub: (left: Expr, right: Expr): Expr => ({ op: 'sub', left, right }),
  in: (item: Expr, list: Expr): Expr => ({ op: 'in', item, list }),
  and: (...terms: Expr[]): Expr => ({ op: 'and', terms }),
  or: (...terms: Expr[]): Expr => ({ op: 'or', terms }),
  not: (term: Expr): Expr => ({ op: 'not', term }),
  str: (term: Expr): Expr => ({ op: 'str', term }),
  if: (cond: Expr, then: Expr, otherwise: Expr): Expr => ({ op: 'if', cond, then, else: otherwise }),
  prefixAll: (list: Expr, prefix: string): Expr => ({ op: 'prefixAll', list, prefix }),
};

/** Raised when an expression cannot be evaluated; kube-apiserver rejects the token in that case. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function celString(value: string): string {
  // JSON string escapes (\" \\ \n \uXXXX) are valid CEL string escapes.
  return JSON.stringify(value);
}

function celField(name: string): string {
  // `claims.name` for plain identifiers, `claims["odd-name"]` otherwise (CEL map index).
  return identifier.test(name) ? `claims.${name}` : `claims[${celString(name)}]`;
}

const atomic = new Set<Expr['op']>(['claim', 'has', 'hasKey', 'lit', 'list', 'str', 'prefixAll']);
const comparison = new Set<Expr['op']>(['eq', 'ne', 'le', 'in']);

/** Parenthesised unless the operand binds at least as tightly as its context needs. */
function operand(expr: Expr, allowed: ReadonlySet<Expr['op']>): string {
  return atomic.has(expr.op) || allowed.has(expr.op) ? toCel(expr) : `(${toCel(expr)})`;
}

const arithmetic = new Set<Expr['op']>(['concat', 'sub']);
const comparable = new Set<Expr['op']>([...arithmetic]);
const logicalTerm = new Set<Expr['op']>([...comparison, ...arithmetic, 'not']);

/** Renders an expression as CEL over the `claims` variable. */
export function toCel(expr: Expr): string {
  switch (expr.op) {
    case 'claim':
      return celField(expr.name);
    case 'has':
      return identifier.test(expr.name) ? `has(claims.${expr.name})` : `${celString(expr.name)} in claims`;
    case 'hasKey':
      return identifier.test(expr.key)
        ? `has(${celField(expr.name)}.${expr.key})`
        : `${celString(expr.key)} in ${celField(expr.name)}`;
    case 'list':
      return `[${expr.items.map(toCel).join(', ')}]`;
    case 'lit':
      if (Array.isArray(expr.value)) return `[${expr.value.map(celString).join(', ')}]`;
      return typeof expr.value === 'string' ? celString(expr.value) : String(expr.value);
    case 'concat':
      return expr.parts.map((part) => operand(part, new Set())).join(' + ');
    case 'eq':
    case 'ne':
    case 'le':
    case 'in': {
      const symbol = { eq: '==', ne: '!=', le: '<=', in: 'in' }[expr.op];
      const [left, right] = expr.op === 'in' ? [expr.item, expr.list] : [expr.left, expr.right];
      return `${operand(left, comparable)} ${symbol} ${operand(right, comparable)}`;
    }
    case 'sub':
      return `${operand(expr.left, new Set())} - ${operand(expr.right, new Set())}`;
    case 'and':
    case 'or':
      return expr.terms.map((term) => operand(term, logicalTerm)).join(expr.op === 'and' ? ' && ' : ' || ');
    case 'not':
      return `!${operand(expr.term, new Set())}`;
    case 'str':
      return `string(${toCel(expr.term)})`;
    case 'if':
      return `${operand(expr.cond, logicalTerm)} ? ${operand(expr.then, new Set())} : ${operand(expr.else, new Set())}`;
    case 'prefixAll':
      // Claims are typed `any`; a comprehension needs a list or dyn ("cannot be range of a comprehension").
      return `dyn(${toCel(expr.list)}).map(v, ${celString(expr.prefix)} + v)`;
  }
}

function fail(message: string): never {
  throw new ExpressionError(message);
}

function expectString(value: unknown, what: string): string {
  return typeof value === 'string' ? value : fail(`${what} is not a string`);
}

function expectNumber(value: unknown, what: string): number {
  return typeof value === 'number' ? value : fail(`${what} is not a number`);
}

function expectBool(value: unknown, what: string): boolean {
  return typeof value === 'boolean' ? value : fail(`${what} is not a boolean`);
}

function expectList(value: unknown, what: string): readonly unknown[] {
  return Array.isArray(value) ? value : fail(`${what} is not a list`);
}

/** CEL equality on JSON values (numbers compare across int/double, as in Kubernetes' CEL). */
function celEquals(left: unknown, right: unknown): boolean {
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((value, i) => celEquals(value, right[i]));
  return left === right;
}

/** CEL's string() conversion for the scalar types a JSON claim can have. */
function celToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  // JSON numbers are doubles in CEL; whole doubles print without a fraction ("1").
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fail('string() of a non-scalar value');
}

/** Evaluates an expression against a claims object, exactly as the rendered CEL would. */
export function evaluate(expr: Expr, claims: Claims): unknown {
  switch (expr.op) {
    case 'claim':
      return Object.hasOwn(claims, expr.name) ? claims[expr.name] : fail(`no such key: ${expr.name}`);
    case 'has':
      return Object.hasOwn(claims, expr.name);
    case 'hasKey': {
      const map = Object.hasOwn(claims, expr.name) ? claims[expr.name] : fail(`no such key: ${expr.name}`);
      if (typeof map !== 'object' || map === null || Array.isArray(map)) fail(`${expr.name} is not a map`);
      return Object.hasOwn(map, expr.key);
    }
    case 'list':
      return expr.items.map((item) => evaluate(item, claims));
    case 'lit':
      return expr.value;
    case 'concat':
      return expr.parts.map((part, i) => expectString(evaluate(part, claims), `part ${i}`)).join('');
    case 'eq':
      return celEquals(evaluate(expr.left, claims), evaluate(expr.right, claims));
    case 'ne':
      return !celEquals(evaluate(expr.left, claims), evaluate(expr.right, claims));
    case 'le':
      return (
        expectNumber(evaluate(expr.left, claims), 'left') <=
        expectNumber(evaluate(expr.right, claims), 'right')
      );
    case 'sub':
      return (
        expectNumber(evaluate(expr.left, claims), 'left') -
        expectNumber(evaluate(expr.right, claims), 'right')
      );
    case 'in': {
      const item = evaluate(expr.item, claims);
      return expectList(evaluate(expr.list, claims), 'in-list').some((value) => celEquals(value, item));
    }
    case 'and':
    case 'or': {
      // CEL's && and || are commutative with respect to errors: an error is only
      // raised when no other term decides the result.
      const decisive = expr.op === 'or';
      let error: unknown;
      for (const term of expr.terms) {
        try {
          if (expectBool(evaluate(term, claims), expr.op) === decisive) return decisive;
        } catch (caught) {
          error ??= caught;
        }
      }
      if (error) throw error;
      return !decisive;
    }
    case 'not':
      return !expectBool(evaluate(expr.term, claims), 'not');
    case 'str':
      return celToString(evaluate(expr.term, claims));
    case 'if':
      return expectBool(evaluate(expr.cond, claims), 'condition')
        ? evaluate(expr.then, claims)
        : evaluate(expr.else, claims);
    case 'prefixAll':
      return expectList(evaluate(expr.list, claims), 'list').map(
        (value, i) => expr.prefix + expectString(value, `element ${i}`),
      );
  }
}
