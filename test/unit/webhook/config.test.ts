import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { starterAccessFile } from '../../../src/domain/access/starter.js';
import { KentraError } from '../../../src/errors.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../../src/webhook/config.js';
import { runCli } from '../../helpers/cli.js';

const tenant = randomUUID();
const base = { apiVersion: 'kentra.dev/v1alpha1', kind: 'WebhookConfiguration' };

function parseFails(document: Record<string, unknown>): KentraError {
  try {
    resolveWebhookConfig(parseWebhookConfig(stringify(document), 'hook.yaml'), undefined, 'hook.yaml');
  } catch (error) {
    assert.ok(error instanceof KentraError);
    assert.equal(error.code, 'config.invalid');
    return error;
  }
  assert.fail('the configuration was accepted');
}

describe('webhook configuration', () => {
  it('names the path of every bad field', () => {
    const entra = { tenants: [tenant], audiences: ['app'] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...base, kind: 'Config', entra }, /kind: "Config" is not one of "WebhookConfiguration"/],
      [{ ...base, entra, typo: 1 }, /typo: unknown field/],
      [{ ...base, entra, cahce: {} }, /cahce: unknown field \(did you mean "cache"\?\)/],
      [
        { ...base, entra: { ...entra, tenants: ['contoso.com'] } },
        /entra\.tenants\[0\]: "contoso\.com" is not valid\n\s+hint: A tenant ID \(GUID\), not a domain name/,
      ],
      [
        { ...base, entra: { ...entra, clockSkewSeconds: 900 } },
        /entra\.clockSkewSeconds: must be between 0 and 300/,
      ],
      [
        { ...base, entra: { ...entra, issuerVersions: ['v3'] } },
        /entra\.issuerVersions\[0\]: "v3" is not one of "v1", "v2"/,
      ],
      [
        { ...base, entra: { ...entra, loginBase: 'http://login' } },
        /entra\.loginBase: "http:\/\/login" is not valid/,
      ],
      [
        { ...base, entra, policy: { allowedNetworks: ['10.0.0.0/33'] } },
        /policy\.allowedNetworks\[0\]: "10\.0\.0\.0\/33" is not an IPv4 or IPv6 CIDR range/,
      ],
      [
        { ...base, entra, live: { clientId: 'x', pollIntervalSeconds: 30, maxStalenessSeconds: 10 } },
        /live\.maxStalenessSeconds: must be at least the poll interval \(30 seconds\)/,
      ],
      [
        { ...base, entra, cache: { maxEntries: 1.5 } },
        /cache\.maxEntries: expected a whole number, got number/,
      ],
      [{ ...base, entra: { audiences: ['app'] } }, /entra\.tenants: is required when no accessFile is given/],
      [
        { ...base, entra, live: { graphAuth: 'device-code' } },
        /live\.graphAuth: "device-code" is not one of "client-secret", "client-certificate", "workload-identity", "managed-identity"/,
      ],
      [{ ...base, entra, live: { tokenEndpoint: 'https://login/token' } }, /live\.tokenEndpoint/],
    ];
    for (const [document, message] of cases) assert.match(parseFails(document).message, message);
  });

  it('reports every problem at once, not only the first', () => {
    const error = parseFails({
      ...base,
      listen: { port: 70000, hots: 'x' },
      entra: { tenants: ['contoso.com'], audiences: [], clockSkewSeconds: -1 },
      log: { level: 'verbose' },
    });
    assert.deepEqual(
      (error.details?.issues as { path: string }[] | undefined)?.map((issue) => issue.path),
      [
        'listen.port',
        'listen.hots',
        'entra.tenants[0]',
        'entra.audiences',
        'entra.clockSkewSeconds',
        'log.level',
      ],
    );
    assert.match(error.message, /is invalid \(6 problems\)/);
  });

  it('reads an empty section as its defaults', () => {
    const document = parseWebhookConfig(
      `apiVersion: kentra.dev/v1alpha1\nkind: WebhookConfiguration\npolicy:\ncache:\nentra:\n  tenants: [${tenant}]\n`,
      'hook.yaml',
    );
    assert.deepEqual(document.policy, { maxTokenAgeSeconds: undefined, allowedNetworks: [] });
    assert.deepEqual(document.cache, { ttlSeconds: 60, maxEntries: 100_000 });
    assert.equal(document.live, undefined);
  });

  it('takes tenants, audiences, issuer form, authority and Graph from the access file', async () => {
    const { parseAccessFile } = await import('../../../src/domain/access/parse.js');
    const { parse } = await import('yaml');
    const clientId = randomUUID();
    const access = parseAccessFile(
      parse(
        starterAccessFile({
          tenantId: tenant,
          clientId,
          authority: 'https://127.0.0.1:9443',
          graph: 'https://127.0.0.1:9443/graph',
        }),
      ),
    );
    assert.ok(access.file, JSON.stringify(access.issues));
    const document = parseWebhookConfig(
      stringify({ ...base, accessFile: 'kentra.yaml', live: { clientId: 'reader' } }),
      'hook.yaml',
    );
    const config = resolveWebhookConfig(document, access.file, 'hook.yaml');
    assert.deepEqual(config.entra.tenants, [tenant]);
    assert.ok(config.entra.audiences.includes(clientId));
    assert.deepEqual(config.entra.issuerVersions, ['v2']);
    assert.equal(config.entra.loginBase, 'https://127.0.0.1:9443');
    assert.equal(config.entra.stsBase, 'https://127.0.0.1:9443', 'a non-Entra authority serves v1 itself');
    assert.equal(config.live?.graphBase, 'https://127.0.0.1:9443/graph');
    assert.equal(config.live?.graphAuth, 'client-secret', 'the default mode');
  });

  it('needs entra.audiences when the access file gives its clusters environments of their own (#14.7)', async () => {
    const { parseAccessFile } = await import('../../../src/domain/access/parse.js');
    const access = parseAccessFile({
      apiVersion: 'kentra.dev/v1alpha1',
      kind: 'Access',
      tenant: { id: tenant },
      clusters: [
        { name: 'staging', environment: 'staging' },
        { name: 'prod', environment: 'production' },
      ],
      rules: [],
    });
    assert.ok(access.file, JSON.stringify(access.issues));
    const document = parseWebhookConfig(stringify({ ...base, accessFile: 'kentra.yaml' }), 'hook.yaml');
    assert.throws(
      () => resolveWebhookConfig(document, access.file, 'hook.yaml'),
      /entra\.audiences: is required: the access file gives its clusters their own audiences/,
    );
  });

  it('accepts the example configuration shipped in deploy/webhook', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(
      new URL('../../../deploy/webhook/kentra-webhook.yaml', import.meta.url),
      'utf8',
    );
    const document = parseWebhookConfig(text, 'kentra-webhook.yaml');
    assert.equal(document.accessFile, '/etc/kentra/kentra.yaml');
    assert.equal(document.live?.pollIntervalSeconds, 5);
    assert.equal(document.tls?.certFile, '/etc/kentra/tls/tls.crt');
    assert.equal(document.tls?.clientAuth, 'required');
    assert.equal(document.tls?.clientCaFile, '/etc/kentra/client-ca/ca.crt');
    assert.equal(document.listen.healthPort, 8080);
    assert.deepEqual(document.live?.store, {
      urlFile: '/etc/kentra/redis/url',
      keyPrefix: 'kentra:webhook',
      leaseSeconds: 15,
      snapshotSeconds: 60,
    });
  });

  it('requires client certificates unless tls.clientAuth says none; --check refuses with the fix', async () => {
    const entra = { tenants: [tenant], audiences: ['app'] };
    const tls = { certFile: 'tls.crt', keyFile: 'tls.key' };
    const refused = parseFails({ ...base, entra, tls });
    assert.match(refused.message, /tls\.clientCaFile: is required/);
    assert.match(refused.message, /hint: .*tls\.clientAuth: none/);
    assert.match(
      parseFails({ ...base, entra, tls: { ...tls, clientAuth: 'maybe' } }).message,
      /tls\.clientAuth: "maybe" is not one of "required", "none"/,
    );
    const open = parseWebhookConfig(
      stringify({ ...base, entra, tls: { ...tls, clientAuth: 'none' } }),
      'hook.yaml',
    );
    assert.equal(open.tls?.clientAuth, 'none');
    const dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-cli-'));
    const file = join(dir, 'no-client-ca.yaml');
    await writeFile(file, stringify({ ...base, entra, tls }));
    const check = await runCli(['webhook', '--config', file, '--check']);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /\[config\.invalid\][\s\S]*tls\.clientCaFile: is required/);
    assert.match(check.stderr, /tls\.clientAuth: none/);
  });

  it('`kentra webhook --check` validates a file and reports the bad field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-cli-'));
    const good = join(dir, 'good.yaml');
    await writeFile(good, stringify({ ...base, entra: { tenants: [tenant], audiences: ['app'] } }));
    const ok = await runCli(['webhook', '--config', good, '--check', '--self-signed']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /configuration is valid/);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, stringify({ ...base, entra: { tenants: [tenant], audiences: [] } }));
    const failed = await runCli(['webhook', '--config', bad, '--check']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /\[config\.invalid\][\s\S]*entra\.audiences: needs at least 1 item/);
    const noTls = await runCli(['webhook', '--config', good, '--check']);
    assert.match(noTls.stderr, /\.tls is required/);
  });

  it('`kentra webhook kubeconfig` renders the API server kubeconfig and v1 flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kentra-webhook-cli-'));
    const { createCertificateAuthority } = await import('../../../src/adapters/pki.js');
    const ca = await createCertificateAuthority('render-test', 1);
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    const result = await runCli([
      'webhook',
      'kubeconfig',
      '--url',
      'https://10.0.0.10:8443',
      '--ca-file',
      join(dir, 'ca.crt'),
      '--cache-ttl',
      '2s',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const rendered = JSON.parse(result.stdout);
    assert.equal(rendered.kubeconfig.clusters[0].cluster.server, 'https://10.0.0.10:8443/authenticate');
    assert.equal(
      Buffer.from(rendered.kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
      ca.certPem,
    );
    assert.ok(rendered.flags.includes('--authentication-token-webhook-version=v1'));
    assert.ok(rendered.flags.includes('--authentication-token-webhook-cache-ttl=2s'));
    const bad = await runCli([
      'webhook',
      'kubeconfig',
      '--url',
      'http://x',
      '--ca-file',
      join(dir, 'ca.crt'),
    ]);
    assert.match(bad.stderr, /--url must use https/);
  });
});
