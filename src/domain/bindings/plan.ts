/**
 * The plan: desired bindings against the kentra-managed bindings in the
 * cluster. It says what apply would do and why, and nothing else touches the
 * cluster: apply executes exactly a plan.
 */
import {
  accessFileLabel,
  type Binding,
  type BindingObject,
  bindingKey,
  expiresAnnotation,
  managedByLabel,
  managedByValue,
  toManifest,
} from './binding.js';

export type Change =
  | { action: 'create'; key: string; desired: BindingObject; binding: Binding }
  | { action: 'update'; key: string; desired: BindingObject; binding: Binding; fields: string[] }
  /** roleRef cannot change in place: delete and create again. */
  | { action: 'replace'; key: string; desired: BindingObject; binding: Binding; current: BindingObject }
  | { action: 'delete'; key: string; current: BindingObject; reason: 'expired' | 'undeclared' }
  /** Managed by kentra but no longer declared; kept because --prune was not given. */
  | { action: 'orphan'; key: string; current: BindingObject }
  | { action: 'unchanged'; key: string; desired: BindingObject; binding: Binding };

export interface Plan {
  cluster: string;
  changes: Change[];
  summary: Record<Change['action'], number>;
  /** True when apply would change nothing. */
  empty: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sortedRecord(record: Record<string, string> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

function subjectsOf(object: BindingObject): unknown {
  return (object.subjects ?? []).map(({ kind, name, apiGroup, namespace }) => ({
    kind,
    name,
    apiGroup,
    namespace,
  }));
}

/** Fields kentra owns that differ (labels/annotations: only the keys kentra writes). */
function differences(desired: BindingObject, current: BindingObject): string[] {
  const fields: string[] = [];
  if (!same(subjectsOf(desired), subjectsOf(current))) fields.push('subjects');
  const pick = (record: Record<string, string> | undefined, keys: Record<string, string> | undefined) =>
    sortedRecord(Object.fromEntries(Object.keys(keys ?? {}).map((key) => [key, record?.[key] ?? ''])));
  if (!same(pick(current.metadata.labels, desired.metadata.labels), sortedRecord(desired.metadata.labels)))
    fields.push('metadata.labels');
  const wanted = { ...desired.metadata.annotations };
  const had = { ...current.metadata.annotations };
  // An expiry that was removed from the rule must be removed from the binding too.
  if (had[expiresAnnotation] !== undefined && wanted[expiresAnnotation] === undefined)
    fields.push('metadata.annotations');
  else if (!same(pick(had, wanted), sortedRecord(wanted))) fields.push('metadata.annotations');
  return fields;
}

/** Managed by kentra, for this access file. */
export function isManaged(object: BindingObject, owner: string): boolean {
  const labels = object.metadata.labels ?? {};
  return labels[managedByLabel] === managedByValue && labels[accessFileLabel] === owner;
}

export function planBindings(input: {
  owner: string;
  cluster: string;
  desired: readonly Binding[];
  expired: ReadonlySet<string>;
  current: readonly BindingObject[];
  prune: boolean;
  now: number;
}): Plan {
  const current = new Map<string, BindingObject>();
  for (const object of input.current)
    if (isManaged(object, input.owner))
      current.set(bindingKey(object.kind, object.metadata.namespace, object.metadata.name), object);
  const changes: Change[] = [];
  for (const binding of input.desired) {
    const key = bindingKey(binding.kind, binding.namespace, binding.name);
    const desired = toManifest(binding);
    const existing = current.get(key);
    current.delete(key);
    if (!existing) changes.push({ action: 'create', key, desired, binding });
    else if (existing.roleRef.kind !== desired.roleRef.kind || existing.roleRef.name !== desired.roleRef.name)
      changes.push({ action: 'replace', key, desired, binding, current: existing });
    else {
      const fields = differences(desired, existing);
      changes.push(
        fields.length > 0
          ? { action: 'update', key, desired, binding, fields }
          : { action: 'unchanged', key, desired, binding },
      );
    }
  }
  for (const [key, object] of current) {
    const expiresAt = Date.parse(object.metadata.annotations?.[expiresAnnotation] ?? '');
    if (input.expired.has(key) || expiresAt <= input.now)
      changes.push({ action: 'delete', key, current: object, reason: 'expired' });
    else if (input.prune) changes.push({ action: 'delete', key, current: object, reason: 'undeclared' });
    else changes.push({ action: 'orphan', key, current: object });
  }
  changes.sort((a, b) => a.key.localeCompare(b.key));
  const summary = { create: 0, update: 0, replace: 0, delete: 0, orphan: 0, unchanged: 0 };
  for (const change of changes) summary[change.action]++;
  return {
    cluster: input.cluster,
    changes,
    summary,
    empty: summary.create + summary.update + summary.replace + summary.delete === 0,
  };
}
