/**
 * A kubeconfig's text with every secret value replaced, for output that shows
 * a file (a dry run's diff): tokens, passwords, keys, the azure
 * auth-provider's cached tokens, secret flags in exec args, and exec env
 * values (plugins take secrets there, e.g. AAD_SERVICE_PRINCIPAL_CLIENT_SECRET).
 */
import { type Document, isMap, isScalar, isSeq, type Scalar, visit } from 'yaml';

const secretKeys = new Set([
  'token',
  'password',
  'client-key-data',
  'access-token',
  'refresh-token',
  'id-token',
  'client-secret',
]);

const secretFlags = new Set([
  '--token',
  '--password',
  '--client-secret',
  '--client-certificate-password',
  '--oidc-client-secret',
]);

const hidden = '(redacted)';

/** A redacted copy of `doc` (the document itself is left as it is). */
export function redactSecrets(doc: Document): Document {
  const copy = doc.clone();
  visit(copy, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (secretKeys.has(key) && isScalar(pair.value)) hide(pair.value);
      if (key === 'args' && isSeq(pair.value)) redactArgs(pair.value.items);
      if (key === 'env' && isSeq(pair.value))
        for (const item of pair.value.items) {
          const value = isMap(item) ? item.get('value', true) : undefined;
          if (isScalar(value)) hide(value);
        }
    },
  });
  return copy;
}

function redactArgs(items: unknown[]): void {
  items.forEach((item, index) => {
    if (!isScalar(item) || typeof item.value !== 'string') return;
    const [flag, inline] = splitFlag(item.value);
    if (!secretFlags.has(flag)) return;
    if (inline !== undefined) item.value = `${flag}=${hidden}`;
    else {
      const next = items[index + 1];
      if (isScalar(next)) hide(next);
    }
  });
}

function splitFlag(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return at < 0 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

function hide(scalar: Scalar): void {
  if (scalar.value !== null && scalar.value !== '') scalar.value = hidden;
}
