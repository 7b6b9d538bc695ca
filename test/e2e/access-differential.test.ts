/**
 * Differential test: kentra's offline RBAC evaluator against the real
 * kube-apiserver. Random RBAC objects (wildcards, subresources, resourceNames,
 * nonResourceURLs, aggregation; bindings to users, groups and service accounts)
 * are created through KubeClient, then at least 10,000 random requests are
 * asked both of the API server (SubjectAccessReview) and of the evaluator
 * reading the same live cluster; every answer must agree.
 *
 * Reproduce a failure: KENTRA_RBAC_SEED=<printed seed> node --import tsx test/run.ts test/e2e/access-differential.test.ts
 *
 * Aggregation: this harness runs kube-apiserver without kube-controller-manager,
 * so nothing fills aggregated ClusterRoles. The test plays the
 * clusterrole-aggregation controller: it computes the aggregated rules with
 * kentra's aggregateClusterRoles and writes them with server-side apply under
 * the controller's field manager, as the controller does. The API server then
 * enforces those stored rules, and the evaluator reads them back from the live
 * cluster (live input is never re-aggregated: stored rules are what the
 * authorizer reads). The aggregation algorithm itself is proven by the unit
 * tests in test/unit/domain/rbac/aggregation.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../src/adapters/kube/client.js';
import { openKubeconfig } from '../../src/adapters/kube/kubeconfig.js';
import { loadRbacFromCluster } from '../../src/adapters/kube/rbac-source.js';
import { aggregateClusterRoles } from '../../src/domain/rbac/aggregation.js';
import { RbacEvaluator } from '../../src/domain/rbac/evaluator.js';
import { matrixVerbs } from '../../src/domain/rbac/matrix.js';
import type { AccessRequest, UserInfo } from '../../src/domain/rbac/model.js';
import { RbacCollector } from '../../src/domain/rbac/parse.js';
import { sharedControlPlane } from '../harness/world.js';

const seed = Number(process.env.KENTRA_RBAC_SEED ?? randomBytes(4).readUInt32LE(0));
const tupleCount = Number(process.env.KENTRA_RBAC_TUPLES ?? 10_000);
const concurrency = 12;

/** mulberry32: a small, well-known seeded PRNG (deterministic across runs and platforms). */
function prng(initial: number) {
  let state = initial >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const count = min + int(max - min + 1);
    return [...new Set(Array.from({ length: count }, () => pick(items)))];
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}

type Random = ReturnType<typeof prng>;
type Manifest = Record<string, unknown>;

const rbacApi = 'rbac.authorization.k8s.io/v1';
const ruleVerbs = [...matrixVerbs];
const ruleGroups = ['', 'apps', 'batch', '*'];
const ruleResources = [
  'pods',
  'pods/log',
  'pods/exec',
  'deployments',
  'deployments/scale',
  '*/scale',
  'configmaps',
  'secrets',
  'jobs',
  '*',
  'pods/*',
  'nodes',
  'namespaces',
];
const ruleNames = ['a', 'b'];
const ruleUrls = [
  '/healthz',
  '/healthz/*',
  '/api',
  '/api/*',
  '/apis*',
  '/metrics',
  '/logs/*',
  '*',
  '/version',
];
const requestVerbs = [...ruleVerbs, '*'];
const requestGroups = ['', '', 'apps', 'batch', 'x.example.com'];
const requestResources = [
  'pods',
  'deployments',
  'configmaps',
  'secrets',
  'jobs',
  'nodes',
  'namespaces',
  'widgets',
];
const requestSubresources = ['', '', '', '', 'log', 'exec', 'scale', 'status', '*'];
const requestNames = ['', '', 'a', 'b', 'c'];
const requestPaths = [
  '/healthz',
  '/healthz/ready',
  '/healthz/',
  '/api',
  '/api/v1',
  '/apis',
  '/apis/apps',
  '/metrics',
  '/logs/x',
  '/logs',
  '/version',
  '/versionx',
  '/livez',
  '/openapi/v2',
];

function resourceRule(random: Random): Manifest {
  const rule: Manifest = {
    apiGroups: random.some(ruleGroups, 1, 2),
    resources: random.some(ruleResources, 1, 2),
    verbs: random.chance(0.12) ? ['*'] : random.some(ruleVerbs, 1, 3),
  };
  if (random.chance(0.3)) rule.resourceNames = random.some(ruleNames, 1, 2);
  return rule;
}

function urlRule(random: Random): Manifest {
  return { nonResourceURLs: random.some(ruleUrls, 1, 2), verbs: random.some(['get', 'post', '*'], 1, 2) };
}

interface World {
  suffix: string;
  namespaces: string[];
  users: string[];
  groups: string[];
  serviceAccounts: string[];
  clusterRoles: Manifest[];
  roles: Manifest[];
  bindings: Manifest[];
}

function generate(random: Random, suffix: string): World {
  const prefix = `kd-${suffix}`;
  const label = `${prefix}.example.com/agg`;
  const namespaces = ['a', 'b', 'c'].map((n) => `${prefix}-${n}`);
  const users = [0, 1, 2, 3].map((n) => `${prefix}-u${n}`);
  const groups = [0, 1, 2, 3].map((n) => `${prefix}-g${n}`);
  const serviceAccounts = ['sa0', 'sa1'];
  const clusterRoles: Manifest[] = [];
  for (let i = 0; i < 8; i++) {
    const rules = Array.from({ length: 1 + random.int(3) }, () =>
      random.chance(0.2) ? urlRule(random) : resourceRule(random),
    );
    const labels: Record<string, string> = random.chance(0.6)
      ? { [label]: random.pick(['x', 'y', 'z']) }
      : {};
    clusterRoles.push({
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name: `${prefix}-cr${i}`, labels },
      rules,
    });
  }
  // Aggregating roles: matchLabels, matchExpressions, and one nested in another (labelled x).
  clusterRoles.push(
    {
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name: `${prefix}-agg-x`, labels: { [label]: 'y' } },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'x' } }] },
      rules: [resourceRule(random)], // dropped by aggregation, as upstream
    },
    {
      apiVersion: rbacApi,
      kind: 'ClusterRole',
      metadata: { name: `${prefix}-agg-y` },
      aggregationRule: {
        clusterRoleSelectors: [{ matchExpressions: [{ key: label, operator: 'In', values: ['y', 'z'] }] }],
      },
    },
  );
  const roles: Manifest[] = [];
  for (const namespace of namespaces)
    for (let i = 0; i < 2; i++)
      roles.push({
        apiVersion: rbacApi,
        kind: 'Role',
        metadata: { name: `role${i}`, namespace },
        rules: Array.from({ length: 1 + random.int(3) }, () => resourceRule(random)),
      });
  const clusterRoleNames = [
    ...clusterRoles.map((role) => (role.metadata as { name: string }).name),
    `${prefix}-missing`,
  ];
  /** A subject for a RoleBinding in `namespace`, or for a ClusterRoleBinding when undefined. */
  const subjectFor = (namespace: string | undefined): Manifest => {
    const kind = random.pick(['User', 'Group', 'ServiceAccount', 'ServiceAccount', 'Group']);
    if (kind === 'User') return { kind, apiGroup: 'rbac.authorization.k8s.io', name: random.pick(users) };
    if (kind === 'Group') {
      // Broad system groups only inside our own namespaces, never cluster-wide (other tests share the cluster).
      const broad = ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${namespace}`];
      const name = namespace !== undefined && random.chance(0.25) ? random.pick(broad) : random.pick(groups);
      return { kind, apiGroup: 'rbac.authorization.k8s.io', name };
    }
    const subject: Manifest = { kind, name: random.pick(serviceAccounts) };
    // The API server requires a namespace on a ClusterRoleBinding's ServiceAccount subject;
    // in a RoleBinding an empty one means the binding's namespace.
    if (namespace === undefined || random.chance(0.6)) subject.namespace = random.pick(namespaces);
    return subject;
  };
  const bindings: Manifest[] = [];
  for (let i = 0; i < 6; i++)
    bindings.push({
      apiVersion: rbacApi,
      kind: 'ClusterRoleBinding',
      metadata: { name: `${prefix}-crb${i}` },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: random.pick(clusterRoleNames),
      },
      subjects: Array.from({ length: 1 + random.int(3) }, () => subjectFor(undefined)),
    });
  for (const namespace of namespaces)
    for (let i = 0; i < 4; i++) {
      const toRole = random.chance(0.5);
      bindings.push({
        apiVersion: rbacApi,
        kind: 'RoleBinding',
        metadata: { name: `rb${i}`, namespace },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: toRole ? 'Role' : 'ClusterRole',
          name: toRole ? random.pick(['role0', 'role1', 'role-missing']) : random.pick(clusterRoleNames),
        },
        subjects: Array.from({ length: 1 + random.int(3) }, () => subjectFor(namespace)),
      });
    }
  return { suffix, namespaces, users, groups, serviceAccounts, clusterRoles, roles, bindings };
}

interface Tuple {
  user: UserInfo;
  request: AccessRequest;
}

/**
 * Half the requests aim at a real grant: the identity of a binding's subject and
 * a request built from a rule of its role, with one field changed 40% of the
 * time, so that allowed answers and near misses are both common.
 */
function targetedTuple(random: Random, world: World): Tuple {
  const binding = random.pick(world.bindings);
  const bindingNamespace = (binding.metadata as { namespace?: string }).namespace ?? '';
  const subject = random.pick(binding.subjects as Manifest[]);
  const subjectName = String(subject.name);
  let user: UserInfo;
  if (subject.kind === 'User')
    user = { name: subjectName, groups: random.chance(0.5) ? ['system:authenticated'] : [] };
  else if (subject.kind === 'Group') user = { name: random.pick(world.users), groups: [subjectName] };
  else {
    const namespace = String(subject.namespace ?? bindingNamespace);
    user = {
      name: `system:serviceaccount:${namespace}:${subjectName}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    };
  }
  const roleRef = binding.roleRef as { kind: string; name: string };
  const role = [...world.clusterRoles, ...world.roles].find(
    (each) =>
      each.kind === roleRef.kind &&
      nameOf(each) === roleRef.name &&
      (roleRef.kind === 'ClusterRole' ||
        (each.metadata as { namespace?: string }).namespace === bindingNamespace),
  );
  const rules = (role?.rules as Manifest[] | undefined) ?? [resourceRule(random)];
  const rule = random.pick(rules.length > 0 ? rules : [resourceRule(random)]);
  const fromRule = (field: string, fallback: readonly string[]) => {
    const values = (rule[field] as string[] | undefined) ?? [];
    const value = values.length > 0 ? random.pick(values) : random.pick(fallback);
    return value === '*' ? random.pick(fallback) : value;
  };
  const verb = fromRule('verbs', requestVerbs);
  if (rule.nonResourceURLs) {
    const url = fromRule('nonResourceURLs', requestPaths).replace(/\*+$/, random.pick(['', 'x', '/ready']));
    return { user, request: { verb: random.chance(0.4) ? random.pick(['get', 'post']) : verb, path: url } };
  }
  const [resource = 'pods', sub = ''] = fromRule('resources', requestResources).split('/');
  const request = {
    verb,
    apiGroup: fromRule('apiGroups', requestGroups),
    resource: resource === '*' ? random.pick(requestResources) : resource,
    subresource: sub === '*' ? random.pick(requestSubresources) : sub,
    name: fromRule('resourceNames', requestNames),
    namespace: bindingNamespace !== '' ? bindingNamespace : random.pick([...world.namespaces, '']),
  };
  if (random.chance(0.4)) {
    const field = random.pick(['verb', 'apiGroup', 'resource', 'subresource', 'name', 'namespace'] as const);
    const choices = {
      verb: requestVerbs,
      apiGroup: requestGroups,
      resource: requestResources,
      subresource: requestSubresources,
      name: requestNames,
      namespace: [...world.namespaces, ''],
    };
    request[field] = random.pick(choices[field]);
  }
  return { user, request };
}

function randomTuple(random: Random, world: World): Tuple {
  if (random.chance(0.5)) return targetedTuple(random, world);
  let user: UserInfo;
  const who = random.int(10);
  if (who < 5) {
    const groups = random.some(world.groups, 0, 2);
    if (random.chance(0.6)) groups.push('system:authenticated');
    user = { name: random.pick(world.users), groups };
  } else if (who < 8) {
    const namespace = random.pick([...world.namespaces, 'default']);
    user = {
      name: `system:serviceaccount:${namespace}:${random.pick(world.serviceAccounts)}`,
      groups: random.chance(0.8)
        ? ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated']
        : [],
    };
  } else if (who < 9) {
    user = { name: '', groups: random.some([...world.groups, 'system:authenticated'], 1, 3) };
  } else {
    user = {
      name: random.chance(0.9) ? `kd-${world.suffix}-stranger` : 'kd-stranger',
      groups: random.chance(0.1) ? ['system:masters'] : [],
    };
  }
  if (random.chance(0.15))
    return {
      user,
      request: { verb: random.pick(['get', 'post', 'put', 'delete']), path: random.pick(requestPaths) },
    };
  const resource = random.pick(requestResources);
  return {
    user,
    request: {
      verb: random.pick(requestVerbs),
      apiGroup: random.pick(requestGroups),
      resource,
      subresource: random.pick(requestSubresources),
      name: random.pick(requestNames),
      namespace: random.pick([...world.namespaces, `kd-${world.suffix}-none`, '', '']),
    },
  };
}

interface ReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

async function subjectAccessReview(client: KubeClient, { user, request }: Tuple): Promise<boolean> {
  const spec: Record<string, unknown> = { user: user.name, groups: user.groups };
  if (request.resource !== undefined)
    spec.resourceAttributes = {
      namespace: request.namespace,
      verb: request.verb,
      group: request.apiGroup,
      resource: request.resource,
      subresource: request.subresource,
      name: request.name,
    };
  else spec.nonResourceAttributes = { path: request.path, verb: request.verb };
  const review = await client.create<ReviewStatus>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec,
  });
  if (review.status?.evaluationError)
    throw new Error(`SubjectAccessReview evaluation error: ${review.status.evaluationError}`);
  return review.status?.allowed === true;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function nameOf(manifest: Manifest): string {
  return (manifest.metadata as { name: string }).name;
}

function pathOf(manifest: Manifest): string {
  const { name, namespace } = manifest.metadata as { name: string; namespace?: string };
  const plural = `${String(manifest.kind).toLowerCase()}s`;
  return namespace
    ? `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/${plural}/${name}`
    : `/apis/rbac.authorization.k8s.io/v1/${plural}/${name}`;
}

describe(`offline evaluator = kube-apiserver SubjectAccessReview (seed ${seed})`, () => {
  let client: KubeClient;
  let world: World;

  before(async () => {
    const cluster = await sharedControlPlane();
    client = new KubeClient(
      await openKubeconfig({ kubeconfig: cluster.adminKubeconfig }, { env: {}, cwd: '/' }).connection(),
    );
    world = generate(prng(seed), randomBytes(3).toString('hex'));
    const collection = (manifest: Manifest) => pathOf(manifest).replace(/\/[^/]+$/, '');
    for (const namespace of world.namespaces)
      await client.create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
    for (const manifest of [...world.clusterRoles, ...world.roles, ...world.bindings])
      await client.create(collection(manifest), manifest);
    // Play the clusterrole-aggregation controller (see the header).
    const ours = new RbacCollector();
    for (const role of world.clusterRoles) ours.add(role, nameOf(role));
    const aggregated = aggregateClusterRoles(ours.result().snapshot.clusterRoles);
    for (const name of aggregated.changed) {
      const role = aggregated.clusterRoles.find((each) => each.name === name);
      await client.apply(
        `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`,
        { apiVersion: rbacApi, kind: 'ClusterRole', metadata: { name }, rules: role?.rules },
        'clusterrole-aggregation-controller',
      );
    }
    await waitForAuthorizerCaches(client, world.suffix, world.namespaces[0] as string);
  });

  after(async () => {
    if (!client) return;
    for (const namespace of world?.namespaces ?? [])
      await client.delete(`/api/v1/namespaces/${namespace}`).catch(() => {});
    for (const manifest of [...(world?.clusterRoles ?? []), ...(world?.bindings ?? [])].filter(
      (m) => !(m.metadata as { namespace?: string }).namespace,
    ))
      await client.delete(pathOf(manifest)).catch(() => {});
    const marker = `kd-${world.suffix}-marker`;
    await client.delete(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${marker}`).catch(() => {});
    await client.delete(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${marker}`).catch(() => {});
    client.close();
  });

  it(`agrees on ${tupleCount} random requests`, async () => {
    let evaluator = new RbacEvaluator((await loadRbacFromCluster(client)).snapshot);
    // Live input is not re-aggregated; still, our aggregated roles as stored equal the offline recomputation.
    const recomputed = aggregateClusterRoles(evaluator.snapshot.clusterRoles);
    assert.deepEqual(
      recomputed.changed.filter((name) => name.startsWith(`kd-${world.suffix}-`)),
      [],
    );

    const random = prng(seed ^ 0x9e3779b9);
    const tuples = Array.from({ length: tupleCount }, () => randomTuple(random, world));
    const answers = await pool(tuples, concurrency, (tuple) => subjectAccessReview(client, tuple));
    let disagreements = tuples.flatMap((tuple, index) =>
      evaluator.allows(tuple.user, tuple.request) === answers[index] ? [] : [index],
    );
    if (disagreements.length > 0) {
      // Other tests share this cluster and may have changed cluster-wide bindings meanwhile: only a
      // disagreement that persists against a fresh snapshot and a fresh review counts.
      evaluator = new RbacEvaluator((await loadRbacFromCluster(client)).snapshot);
      const again = await pool(disagreements, concurrency, (index) =>
        subjectAccessReview(client, tuples[index] as Tuple),
      );
      disagreements = disagreements.filter(
        (index, i) =>
          evaluator.allows((tuples[index] as Tuple).user, (tuples[index] as Tuple).request) !== again[i],
      );
    }
    const allowed = answers.filter(Boolean).length;
    console.error(
      `[access-differential] seed ${seed}: ${tupleCount} requests, ${allowed} allowed, ${tupleCount - allowed} denied, ${disagreements.length} disagreements`,
    );
    const shown = disagreements.slice(0, 5).map((index) => {
      const tuple = tuples[index] as Tuple;
      return `apiserver=${answers[index]} evaluator=${!answers[index]} user=${JSON.stringify(tuple.user)} request=${JSON.stringify(tuple.request)} ${evaluator.authorize(tuple.user, tuple.request).reason}`;
    });
    assert.equal(
      disagreements.length,
      0,
      `seed ${seed} (rerun with KENTRA_RBAC_SEED=${seed}):\n${shown.join('\n')}`,
    );
    // The test must exercise both answers, or it proves nothing.
    assert.ok(
      allowed > tupleCount * 0.05 && allowed < tupleCount * 0.95,
      `allowed ${allowed} of ${tupleCount}: generator too one-sided`,
    );
  });
});

/**
 * The authorizer reads RBAC from informer caches that trail the API by a little.
 * Each informer delivers its kind in resourceVersion order, so once marker
 * objects created last are visible, everything created before them is too. There
 * is no event to await from outside, so this polls (20 ms) with a deadline.
 */
async function waitForAuthorizerCaches(client: KubeClient, suffix: string, namespace: string): Promise<void> {
  const marker = `kd-${suffix}-marker`;
  const rule = { apiGroups: ['kentra.example.com'], resources: ['markers'], verbs: ['get'] };
  const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: marker }];
  const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name: marker });
  await client.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: rbacApi,
    kind: 'ClusterRole',
    metadata: { name: marker },
    rules: [rule],
  });
  await client.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    apiVersion: rbacApi,
    kind: 'Role',
    metadata: { name: marker },
    rules: [{ ...rule, verbs: ['list'] }],
  });
  await client.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: rbacApi,
    kind: 'ClusterRoleBinding',
    metadata: { name: marker },
    roleRef: roleRef('ClusterRole'),
    subjects,
  });
  await client.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: rbacApi,
    kind: 'RoleBinding',
    metadata: { name: marker },
    roleRef: roleRef('Role'),
    subjects,
  });
  const markerUser = { name: marker, groups: [] };
  const ask = (verb: string) => ({
    verb,
    apiGroup: 'kentra.example.com',
    resource: 'markers',
    subresource: '',
    name: '',
    namespace,
  });
  const deadline = Date.now() + 30_000;
  while (
    !(await subjectAccessReview(client, { user: markerUser, request: ask('get') })) ||
    !(await subjectAccessReview(client, { user: markerUser, request: ask('list') }))
  ) {
    if (Date.now() > deadline) throw new Error('the authorizer did not see the marker bindings within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
