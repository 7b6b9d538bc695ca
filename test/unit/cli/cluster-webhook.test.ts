import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { createCertificateAuthority } from '../../../src/adapters/pki.js';
import { runCli } from '../../helpers/cli.js';

describe('kentra cluster config --webhook', () => {
  let dir: string;
  let caPem: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kentra-cluster-webhook-'));
    caPem = (await createCertificateAuthority('webhook ca')).certPem;
    await writeFile(join(dir, 'ca.crt'), caPem);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('renders the same kubeconfig and flags as `kentra webhook kubeconfig`, without an access file', async () => {
    const common = ['--cache-ttl', '5s', '-o', 'json'];
    const viaCluster = await runCli(
      [
        ...['cluster', 'config', '--webhook', '--webhook-url', 'https://10.0.0.10:8443'],
        ...['--webhook-ca-file', 'ca.crt', '--webhook-cache-ttl', '5s', '-o', 'json'],
        ...['--webhook-client-cert', 'client.crt', '--webhook-client-key', 'client.key'],
      ],
      { cwd: dir },
    );
    assert.equal(viaCluster.code, 0, viaCluster.stderr);
    assert.equal(viaCluster.stderr, '', 'no warning with a client certificate');
    const viaWebhook = await runCli(
      [
        'webhook',
        'kubeconfig',
        '--url',
        'https://10.0.0.10:8443',
        '--ca-file',
        join(dir, 'ca.crt'),
        ...['--client-cert', join(dir, 'client.crt'), '--client-key', join(dir, 'client.key')],
        ...common,
      ],
      { cwd: dir },
    );
    assert.equal(viaWebhook.code, 0, viaWebhook.stderr);
    assert.equal(viaCluster.stdout, viaWebhook.stdout);

    const rendered = JSON.parse(viaCluster.stdout) as {
      kubeconfig: Record<string, unknown>;
      flags: string[];
    };
    assert.ok(rendered.flags.includes('--authentication-token-webhook-version=v1'), rendered.flags.join(' '));
    assert.ok(
      rendered.flags.includes('--authentication-token-webhook-cache-ttl=5s'),
      rendered.flags.join(' '),
    );
    const clusters = rendered.kubeconfig.clusters as { cluster: Record<string, string> }[];
    assert.equal(clusters[0]?.cluster.server, 'https://10.0.0.10:8443/authenticate');
    const users = rendered.kubeconfig.users as { user: Record<string, string> }[];
    assert.equal(users[0]?.user['client-certificate'], join(dir, 'client.crt'), 'the API server presents it');
    assert.equal(
      Buffer.from(clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(),
      caPem,
    );
  });

  it('prints the flags as comments above a YAML kubeconfig by default', async () => {
    const run = await runCli(
      ['cluster', 'config', '--webhook', '--webhook-url', 'https://w:8443', '--webhook-ca-file', 'ca.crt'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# kube-apiserver flags:\n# {3}--authentication-token-webhook-config-file=/);
    assert.equal((parse(run.stdout) as { kind: string }).kind, 'Config');
  });

  it('asks for the URL and CA file it needs', async () => {
    const run = await runCli(['cluster', 'config', '--webhook'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\[usage\]: --webhook needs --webhook-url and --webhook-ca-file/);
    assert.equal(run.stdout, '');
  });
});
