/** `kentra access` in-process on manifests: flags, outputs, exit codes and errors. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { standardVerbs } from '../../../src/domain/rbac/matrix.js';
import { runCli } from '../../helpers/cli.js';

describe('kentra access (manifests)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-access-cli-'));
    await writeFile(
      join(dir, 'rbac.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-edit, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "aad:g-ops"}]
`,
    );
    await writeFile(
      join(dir, 'names.yaml'),
      'groups: [{id: g-ops, displayName: Operations}]\nusers: [{id: u-1, displayName: Olga, userPrincipalName: olga@contoso.com, groups: [g-ops]}]\n',
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const base = () => ['-f', 'rbac.yaml', '--names', 'names.yaml', '--group-prefix', 'aad:'];

  it('uses the bootstrap defaults and recomputes aggregation, so edit has its rules', async () => {
    const run = await runCli(['access', 'matrix', ...base(), '-o', 'json'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const rows = (
      JSON.parse(run.stdout) as {
        rows: {
          subject: { displayName: string };
          scope: string;
          access: Record<string, { verbs: string[] }>;
        }[];
      }
    ).rows;
    const olga = rows.find((row) => row.subject.displayName === 'Olga' && row.scope === 'shop');
    // edit allows every standard verb on deployments (and nothing more, such as escalate)
    assert.deepEqual(olga?.access['deployments.apps']?.verbs, standardVerbs);
    assert.match(run.stderr, /\+ Kubernetes bootstrap RBAC/);
  });

  it('--no-defaults leaves edit undefined: the binding grants nothing', async () => {
    const run = await runCli(
      ['access', 'explain', 'olga@contoso.com', 'get', 'pods', '-n', 'shop', ...base(), '--no-defaults'],
      { cwd: dir },
    );
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^DENIED {2}get pods in namespace shop/);
    assert.match(
      run.stdout,
      /bindings that refer to missing roles: clusterrole\.rbac\.authorization\.k8s\.io "edit" not found/,
    );
  });

  it('explains non-resource URLs through the default discovery roles', async () => {
    const run = await runCli(['access', 'explain', 'olga@contoso.com', 'get', '/healthz', ...base()], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /ClusterRoleBinding system:public-info-viewer -> ClusterRole system:public-info-viewer/,
    );
    assert.match(run.stdout, /to Group "system:authenticated"/);
  });

  it('rejects bad flags and files with clear errors', async () => {
    const format = await runCli(['access', 'matrix', ...base(), '-o', 'xml'], { cwd: dir });
    assert.notEqual(format.code, 0);
    assert.match(format.stderr, /argument 'xml' is invalid.*table, json, csv, html/);
    const missing = await runCli(['access', 'matrix', '-f', 'nope.yaml'], { cwd: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /kentra: error \[io\.read\]: no such file or folder: .*nope\.yaml/);
    const resource = await runCli(['access', 'explain', 'olga', 'get', 'pods/', ...base()], { cwd: dir });
    assert.equal(resource.code, 2);
    assert.match(resource.stderr, /error \[usage\]: "pods\/" is not a resource/);
  });

  it('has help with examples', async () => {
    const run = await runCli(['access', 'matrix', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Examples:\n {2}kentra access matrix --names/);
  });
});
