/**
 * Turns Kubernetes objects (parsed YAML/JSON documents, API list items) into the
 * RBAC model. Strict about the fields the authorizer reads, so that a typo is an
 * error with the path to it rather than a silently different answer; lenient
 * about everything else (other kinds are counted and skipped).
 */
import { KentraError } from '../../errors.js';
import type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  LabelSelectorRequirement,
  PolicyRule,
  RbacSnapshot,
  Role,
  RoleBinding,
  Subject,
} from './model.js';
import { type CatalogResource, servedResource } from './resource-catalog.js';

export interface ParsedRbac {
  readonly snapshot: RbacSnapshot;
  /** Resources defined by CustomResourceDefinitions among the objects, with their scope. */
  readonly served: readonly CatalogResource[];
  /** Kinds that are not RBAC or Namespace, with counts (a hint for "did you pass the right files?"). */
  readonly skipped: ReadonlyMap<string, number>;
}

const rbacGroup = 'rbac.authorization.k8s.io/';
type Dict = Record<string, unknown>;

export class RbacCollector {
  private readonly roles: Role[] = [];
  private readonly clusterRoles: ClusterRole[] = [];
  private readonly roleBindings: RoleBinding[] = [];
  private readonly clusterRoleBindings: ClusterRoleBinding[] = [];
  private readonly namespaces = new Set<string>();
  private readonly skipped = new Map<string, number>();
  private readonly served: CatalogResource[] = [];

  /** Adds one document; `where` names it in errors (e.g. `roles.yaml: document 3`). Lists are unpacked. */
  add(document: unknown, where: string): void {
    if (document === null || document === undefined) return;
    const object = dict(document, where);
    const kind = typeof object.kind === 'string' ? object.kind : '';
    if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
      object.items.forEach((item, index) => {
        this.add(withListKind(item, kind), `${where}: items[${index}]`);
      });
      return;
    }
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const isRbac = apiVersion.startsWith(rbacGroup);
    if (isRbac && kind === 'Role') this.roles.push(parseRole(object, where));
    else if (isRbac && kind === 'ClusterRole') this.clusterRoles.push(parseClusterRole(object, where));
    else if (isRbac && kind === 'RoleBinding') this.roleBindings.push(parseRoleBinding(object, where));
    else if (isRbac && kind === 'ClusterRoleBinding')
      this.clusterRoleBindings.push(parseClusterRoleBinding(object, where));
    else if (apiVersion === 'v1' && kind === 'Namespace') this.namespaces.add(metadataName(object, where));
    else if (apiVersion.startsWith('apiextensions.k8s.io/') && kind === 'CustomResourceDefinition')
      this.served.push(...crdResources(object, where));
    else {
      const label = kind === '' ? '(no kind)' : kind;
      this.skipped.set(label, (this.skipped.get(label) ?? 0) + 1);
    }
  }

  result(): ParsedRbac {
    for (const object of [...this.roles, ...this.roleBindings]) this.namespaces.add(object.namespace);
    return {
      snapshot: {
        roles: lastOfEach(this.roles),
        clusterRoles: lastOfEach(this.clusterRoles),
        roleBindings: lastOfEach(this.roleBindings),
        clusterRoleBindings: lastOfEach(this.clusterRoleBindings),
        namespaces: [...this.namespaces].sort(),
      },
      skipped: this.skipped,
      served: this.served,
    };
  }
}

/** The same object given twice (two files, two documents): the later one wins, as with `kubectl apply`. */
function lastOfEach<T extends { name: string; namespace?: string }>(objects: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const object of objects) {
    const key = `${object.namespace ?? ''}/${object.name}`;
    byKey.delete(key);
    byKey.set(key, object);
  }
  return [...byKey.values()];
}

/** A CRD's resource and its status/scale subresources, with the CRD's scope (for the matrix columns). */
function crdResources(object: Dict, where: string): CatalogResource[] {
  const spec = optionalDict(object.spec, `${where}: spec`);
  const names = optionalDict(spec.names, `${where}: spec.names`);
  const group = requiredString(spec.group, `${where}: spec.group`);
  const plural = requiredString(names.plural, `${where}: spec.names.plural`);
  const namespaced = spec.scope !== 'Cluster';
  const resources = [servedResource(group, plural, namespaced)];
  const versions = Array.isArray(spec.versions) ? (spec.versions as unknown[]) : [];
  const subresources = new Set<string>();
  for (const version of versions) {
    const sub = optionalDict(
      optionalDict(version, `${where}: spec.versions[]`).subresources,
      `${where}: subresources`,
    );
    for (const name of Object.keys(sub)) subresources.add(name);
  }
  for (const name of subresources) resources.push(servedResource(group, `${plural}/${name}`, namespaced));
  return resources;
}

/** API list items carry no kind/apiVersion; take them from the list's kind (RoleList -> Role). */
function withListKind(item: unknown, listKind: string): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item) || listKind === 'List') return item;
  const object = item as Dict;
  if (typeof object.kind === 'string') return item;
  const kind = listKind.slice(0, -'List'.length);
  const apiVersion = kind === 'Namespace' ? 'v1' : `${rbacGroup}v1`;
  return { apiVersion, kind, ...object };
}

function invalid(where: string, message: string): KentraError {
  return new KentraError('config.invalid', `${where}: ${message}`, {
    hint: 'Fix the object so that `kubectl apply --dry-run=server` accepts it, or leave the file out.',
  });
}

function dict(value: unknown, where: string): Dict {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(where, 'expected an object');
  return value as Dict;
}

function optionalDict(value: unknown, where: string): Dict {
  return value === undefined || value === null ? {} : dict(value, where);
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw invalid(where, 'expected a list of strings');
  return value as string[];
}

function requiredString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(where, 'expected a non-empty string');
  return value;
}

function optionalString(value: unknown, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(where, 'expected a string');
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const object = optionalDict(value, where);
  for (const [key, item] of Object.entries(object))
    if (typeof item !== 'string') throw invalid(`${where}.${key}`, 'expected a string');
  return object as Record<string, string>;
}

function metadataName(object: Dict, where: string): string {
  return requiredString(optionalDict(object.metadata, `${where}: metadata`).name, `${where}: metadata.name`);
}

function metadataNamespace(object: Dict, where: string): string {
  return requiredString(
    optionalDict(object.metadata, `${where}: metadata`).namespace,
    `${where}: metadata.namespace (a ${String(object.kind)} is namespaced)`,
  );
}

function parseRules(value: unknown, where: string): PolicyRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${where}: rules`, 'expected a list');
  return value.map((item, index) => {
    const path = `${where}: rules[${index}]`;
    const rule = dict(item, path);
    return {
      verbs: strings(rule.verbs, `${path}.verbs`),
      apiGroups: strings(rule.apiGroups, `${path}.apiGroups`),
      resources: strings(rule.resources, `${path}.resources`),
      resourceNames: strings(rule.resourceNames, `${path}.resourceNames`),
      nonResourceURLs: strings(rule.nonResourceURLs, `${path}.nonResourceURLs`),
    };
  });
}

function parseRole(object: Dict, where: string): Role {
  const name = metadataName(object, where);
  const at = `${where} (Role ${name})`;
  return {
    kind: 'Role',
    name,
    namespace: metadataNamespace(object, at),
    rules: parseRules(object.rules, at),
  };
}

function parseSelector(value: unknown, where: string): LabelSelector {
  const selector = dict(value, where);
  const expressions = selector.matchExpressions ?? [];
  if (!Array.isArray(expressions)) throw invalid(`${where}.matchExpressions`, 'expected a list');
  return {
    matchLabels: stringMap(selector.matchLabels, `${where}.matchLabels`),
    matchExpressions: expressions.map((item, index): LabelSelectorRequirement => {
      const path = `${where}.matchExpressions[${index}]`;
      const expression = dict(item, path);
      const operator = expression.operator;
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')
        throw invalid(`${path}.operator`, 'expected one of In, NotIn, Exists, DoesNotExist');
      return {
        key: requiredString(expression.key, `${path}.key`),
        operator,
        values: strings(expression.values, `${path}.values`),
      };
    }),
  };
}

function parseClusterRole(object: Dict, where: string): ClusterRole {
  const name = metadataName(object, where);
  const at = `${where} (ClusterRole ${name})`;
  const metadata = optionalDict(object.metadata, `${at}: metadata`);
  const role: ClusterRole = {
    kind: 'ClusterRole',
    name,
    labels: stringMap(metadata.labels, `${at}: metadata.labels`),
    rules: parseRules(object.rules, at),
  };
  if (object.aggregationRule === undefined || object.aggregationRule === null) return role;
  const rule = dict(object.aggregationRule, `${at}: aggregationRule`);
  const selectors = rule.clusterRoleSelectors ?? [];
  if (!Array.isArray(selectors))
    throw invalid(`${at}: aggregationRule.clusterRoleSelectors`, 'expected a list');
  return {
    ...role,
    aggregationSelectors: selectors.map((selector, index) =>
      parseSelector(selector, `${at}: aggregationRule.clusterRoleSelectors[${index}]`),
    ),
  };
}

function parseSubjects(value: unknown, where: string): Subject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${where}: subjects`, 'expected a list');
  return value.map((item, index) => {
    const path = `${where}: subjects[${index}]`;
    const subject = dict(item, path);
    return {
      kind: requiredString(subject.kind, `${path}.kind`),
      name: requiredString(subject.name, `${path}.name`),
      namespace: optionalString(subject.namespace, `${path}.namespace`),
    };
  });
}

function parseRoleRef(value: unknown, where: string): { kind: string; name: string } {
  const ref = dict(value, `${where}: roleRef`);
  return {
    kind: requiredString(ref.kind, `${where}: roleRef.kind`),
    name: requiredString(ref.name, `${where}: roleRef.name`),
  };
}

function parseRoleBinding(object: Dict, where: string): RoleBinding {
  const name = metadataName(object, where);
  const at = `${where} (RoleBinding ${name})`;
  return {
    kind: 'RoleBinding',
    name,
    namespace: metadataNamespace(object, at),
    roleRef: parseRoleRef(object.roleRef, at),
    subjects: parseSubjects(object.subjects, at),
  };
}

function parseClusterRoleBinding(object: Dict, where: string): ClusterRoleBinding {
  const name = metadataName(object, where);
  const at = `${where} (ClusterRoleBinding ${name})`;
  return {
    kind: 'ClusterRoleBinding',
    name,
    roleRef: parseRoleRef(object.roleRef, at),
    subjects: parseSubjects(object.subjects, at),
  };
}
