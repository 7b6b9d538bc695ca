/** Reading RBAC manifests from files and folders. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadRbacFromFiles } from '../../../../src/adapters/kube/rbac-source.js';
import { KentraError } from '../../../../src/errors.js';

describe('loadRbacFromFiles', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-rbac-source-'));
    await mkdir(join(dir, 'nested'));
    await writeFile(
      join(dir, 'a.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: one}
---
# an empty document is fine
---
apiVersion: v1
kind: Service
metadata: {name: web}
`,
    );
    await writeFile(
      join(dir, 'nested', 'b.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'two' } },
        ],
      }),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads YAML with several documents and JSON lists, recursively, skipping other files', async () => {
    const parsed = await loadRbacFromFiles([dir]);
    assert.deepEqual(parsed.files, [join(dir, 'a.yaml'), join(dir, 'nested', 'b.json')]);
    assert.deepEqual(
      parsed.snapshot.clusterRoles.map((role) => role.name),
      ['one', 'two'],
    );
    assert.deepEqual([...parsed.skipped], [['Service', 1]]);
  });

  it('names the file and document of a YAML error, and a missing path', async () => {
    const bad = join(dir, 'bad.yml');
    await writeFile(bad, 'kind: ClusterRole\n---\nkind: [unclosed\n');
    await assert.rejects(
      loadRbacFromFiles([bad]),
      (error: unknown) =>
        error instanceof KentraError &&
        error.code === 'config.invalid' &&
        error.message.startsWith(`${bad}: document 2: not valid YAML`),
    );
    await assert.rejects(
      loadRbacFromFiles([join(dir, 'missing')]),
      (error: unknown) => error instanceof KentraError && error.code === 'io.read',
    );
  });
});
