/**
 * Every manifest in deploy/webhook is accepted by the real API server
 * (`kubectl apply --server-side --dry-run=server`: admission, schema and
 * defaulting run; nothing is stored, and without a kubelet no pod would run),
 * and the Deployment has what issue #13 asks of it: 3 replicas, a
 * PodDisruptionBudget, anti-affinity, probes on the health port, the Redis URL
 * from a Secret, and a NetworkPolicy that admits only the API server to 8443.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ControlPlane } from '../harness/control-plane.js';
import { kubectl } from '../harness/kubectl.js';
import { sharedControlPlane } from '../harness/world.js';

interface Container {
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe: { httpGet: { port: string } };
  livenessProbe: { httpGet: { port: string } };
  startupProbe: { httpGet: { port: string } };
}
interface Manifest {
  kind: string;
  spec: {
    replicas?: number;
    minAvailable?: number;
    template?: {
      spec: {
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: unknown[] } };
        containers: Container[];
        volumes: Array<{ secret?: { secretName: string } }>;
      };
    };
    ingress?: Array<{ from: Array<Record<string, unknown>>; ports: Array<{ port: number }> }>;
  };
}

const deployDir = fileURLToPath(new URL('../../deploy/webhook/', import.meta.url));

describe('deploy/webhook manifests on the real API server', () => {
  let cluster: ControlPlane;
  before(async () => {
    cluster = await sharedControlPlane();
  });

  it('every manifest passes a server-side dry-run apply', async () => {
    const files = (await readdir(deployDir)).filter(
      (f) => f.endsWith('.yaml') && f !== 'kentra-webhook.yaml',
    );
    assert.ok(files.includes('deployment.yaml') && files.includes('static-pod.yaml'));
    for (const file of files) {
      const result = await kubectl(cluster.adminKubeconfig, [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager=kentra-test',
        '-f',
        join(deployDir, file),
      ]);
      assert.equal(result.code, 0, `${file}: ${result.stderr}`);
      assert.match(result.stdout, /serverside-applied \(server dry run\)/);
    }
  });

  it('runs 3 replicas behind a PDB, spread by anti-affinity, probed on the health port, Redis from a Secret', async () => {
    const docs = parseAllDocuments(await readFile(join(deployDir, 'deployment.yaml'), 'utf8')).map(
      (d) => d.toJS() as Manifest,
    );
    const byKind = (kind: string) => docs.find((d) => d.kind === kind) as Manifest;
    const deployment = byKind('Deployment');
    assert.equal(deployment.spec.replicas, 3);
    const pod = deployment.spec.template?.spec;
    assert.ok(pod && pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.length > 0);
    const container = pod.containers[0] as Container;
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const)
      assert.equal(container[probe].httpGet.port, 'health', `${probe} on the health port`);
    assert.ok(container.ports.some((p) => p.name === 'health' && p.containerPort === 8080));
    assert.ok(pod.volumes.some((v) => v.secret?.secretName === 'kentra-webhook-redis'));
    assert.equal(byKind('PodDisruptionBudget').spec.minAvailable, 2);
    const toAuthenticate = (byKind('NetworkPolicy').spec.ingress ?? []).filter((rule) =>
      rule.ports.some((p) => p.port === 8443),
    );
    assert.equal(toAuthenticate.length, 1, 'one rule admits 8443');
    assert.ok(
      toAuthenticate[0]?.from.every((peer) => 'ipBlock' in peer),
      'only API server addresses',
    );
    const config = await readFile(join(deployDir, 'kentra-webhook.yaml'), 'utf8');
    assert.match(config, /healthPort: 8080/);
    assert.match(config, /urlFile: \/etc\/kentra\/redis\/url/);
  });
});
