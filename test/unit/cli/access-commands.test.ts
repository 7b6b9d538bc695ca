import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../../helpers/cli.js';

describe('kentra init and kentra cluster config', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-access-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('init writes a commented starter file, and refuses to overwrite it without --force', async () => {
    const first = await runCli(
      ['init', '--tenant', '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f', '--cluster', 'prod'],
      { cwd: dir },
    );
    assert.equal(first.code, 0, first.stderr);
    const text = await readFile(join(dir, 'kentra.yaml'), 'utf8');
    assert.match(text, /^# kentra access file/);
    assert.equal(parse(text).tenant.id, '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f');
    assert.equal(parse(text).clusters[0].name, 'prod');
    const again = await runCli(['init'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /kentra\.yaml already exists/);
    assert.match(again.stderr, /--force/);
    assert.equal(await readFile(join(dir, 'kentra.yaml'), 'utf8'), text, 'file untouched');
  });

  it('cluster config renders the AuthenticationConfiguration once the client ID is known', async () => {
    const path = join(dir, 'with-app.yaml');
    const made = await runCli(['init', path, '--client-id', '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c'], {
      cwd: dir,
    });
    assert.equal(made.code, 0, made.stderr);
    const yaml = await runCli(['cluster', 'config', '--access', path], { cwd: dir });
    assert.equal(yaml.code, 0, yaml.stderr);
    const config = parse(yaml.stdout);
    assert.equal(config.kind, 'AuthenticationConfiguration');
    assert.deepEqual(config.jwt[0].issuer.audiences, ['0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c']);
    const json = await runCli(['cluster', 'config', '--access', path, '--format', 'eks', '-o', 'json'], {
      cwd: dir,
    });
    assert.equal(JSON.parse(json.stdout).oidc.usernameClaim, 'oid');
    assert.match(json.stderr, /not enforced on EKS: denyGuests/);
  });

  it('cluster config without a client ID says how to get one', async () => {
    const run = await runCli(['cluster', 'config', '--access', join(dir, 'kentra.yaml')], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /app\.clientId is not set/);
    assert.match(run.stderr, /kentra entra setup/);
  });

  it('an invalid file fails with file:line:column, the field path and the hint', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      'apiVersion: kentra.dev/v1alpha1\nkind: Access\ntenant: {id: 7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f}\nclusters: [{name: dev}]\nrules:\n  - group: developers\n    clusterrole: view\n',
    );
    const run = await runCli(['cluster', 'config', '--access', path], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /kentra: error \[access\.invalid\]: .*bad\.yaml is invalid \(1 problem\):/);
    assert.match(
      run.stderr,
      /bad\.yaml:7:5 rules\[0\]\.clusterrole: unknown field \(did you mean "clusterRole"\?\)/,
    );
  });

  it('cluster config --format kind prints the AuthenticationConfiguration and the kind config, each titled', async () => {
    const path = join(dir, 'with-app.yaml');
    const run = await runCli(['cluster', 'config', '--access', path, '--format', 'kind'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const documents = run.stdout.split('---\n').map((text) => parse(text));
    assert.deepEqual(
      documents.map((document) => document.kind),
      ['AuthenticationConfiguration', 'Cluster'],
    );
    assert.match(run.stdout, /# save as: kind-config\.yaml/);
    assert.match(run.stderr, /kind create cluster --config kind-config\.yaml/);
  });

  it('cluster config --out-dir writes each file, relative to the working folder; --access defaults to ./kentra.yaml', async () => {
    await writeFile(join(dir, 'kentra.yaml'), await readFile(join(dir, 'with-app.yaml'), 'utf8'));
    await mkdir(join(dir, 'out'));
    const run = await runCli(['cluster', 'config', '--format', 'kubeadm', '--out-dir', 'out'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /wrote .*out\/authentication-config\.yaml/);
    assert.equal(
      parse(await readFile(join(dir, 'out', 'authentication-config.yaml'), 'utf8')).kind,
      'AuthenticationConfiguration',
    );
    assert.equal(
      parse(await readFile(join(dir, 'out', 'kubeadm-config.yaml'), 'utf8')).kind,
      'ClusterConfiguration',
    );
  });

  it('renders the legacy flags by default for Kubernetes older than 1.30, and refuses structured config there', async () => {
    const path = join(dir, 'old.yaml');
    const text = (await readFile(join(dir, 'with-app.yaml'), 'utf8')).replace(
      'kubernetesVersion: "1.34"',
      'kubernetesVersion: "1.29"',
    );
    await writeFile(path, text);
    const flags = await runCli(['cluster', 'config', '--access', path], { cwd: dir });
    assert.equal(flags.code, 0, flags.stderr);
    assert.match(flags.stdout, /^--oidc-issuer-url=https:\/\/login\.microsoftonline\.com\//);
    const structured = await runCli(['cluster', 'config', '--access', path, '--format', 'auth-config'], {
      cwd: dir,
    });
    assert.equal(structured.code, 2);
    assert.match(structured.stderr, /Kubernetes 1\.29 has no structured authentication/);
    assert.match(structured.stderr, /--format flags/);
  });

  it('a YAML syntax error is reported with its line', async () => {
    const path = join(dir, 'broken.yaml');
    await writeFile(path, 'apiVersion: kentra.dev/v1alpha1\nkind: Access\nrules: [\n');
    const run = await runCli(['cluster', 'config', '--access', path], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /broken\.yaml is not valid YAML: .*line 4/);
  });

  it('a missing access file points to kentra init', async () => {
    const run = await runCli(['rbac', 'plan', '--access', join(dir, 'nope.yaml')], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot read the access file/);
    assert.match(run.stderr, /kentra init/);
  });
});
