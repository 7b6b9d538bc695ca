import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type ConvertReport, convertUsers } from '../../../../src/domain/kubeconfig/convert.js';
import { KentraError } from '../../../../src/errors.js';
import { parseGetTokenArgs } from '../../../../src/usecases/get-token-args.js';
import { convertFixtureSecrets } from '../../../fixtures/kubeconfig/convert-secrets.js';
import { editOf } from '../../../helpers/kubeconfig-edit.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/kubeconfig/convert/${name}.yaml`, import.meta.url), 'utf8');

const tenant = '3b0f5b7e-8f5e-4c39-9a55-2f1c6d1f0a11';
const aksServer = '6dae42f8-4368-4678-94ff-3960e28e3630';
const aksClient = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
const aksScope = [`${aksServer}/.default`];

/** What each converted user's `kentra get-token` arguments mean, read by get-token's own parser. */
interface Meaning {
  tenant: string;
  clientId: string;
  authorityHost: string;
  tokenType: 'id' | 'access';
  scopes: string[];
  login: string;
  loginHint?: string;
  clientCertificate?: string;
  identityClientId?: string;
  expect?: { issuer?: string; audience?: string };
  caFile?: string;
  listenPort?: number;
}

const publicCloud = 'https://login.microsoftonline.com';
const aks = (overrides: Partial<Meaning>): Meaning => ({
  tenant,
  clientId: aksClient,
  authorityHost: publicCloud,
  tokenType: 'access',
  scopes: aksScope,
  login: 'devicecode',
  ...overrides,
});

const expected: Record<string, { converted: Record<string, Meaning>; skipped: Record<string, RegExp> }> = {
  'aks-exec': { converted: { clusterUser_myrg_myaks: aks({}) }, skipped: {} },
  'aks-azure-auth-provider': {
    converted: {
      'clusterUser_rg_legacy-aks': aks({
        tenant: '9c7d2a41-0b6e-4f3a-8d21-5e4b3c2a1f00',
        authorityHost: 'https://login.partner.microsoftonline.cn',
      }),
    },
    skipped: {},
  },
  'kubelogin-modes': {
    converted: {
      interactive: aks({ login: 'browser', loginHint: 'alice@contoso.example' }),
      spn: aks({
        clientId: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
        authorityHost: 'https://login.microsoftonline.us',
        login: 'spn',
      }),
      'spn-certificate': aks({
        clientId: '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
        login: 'spn',
        clientCertificate: '/etc/sp/cert.pfx',
      }),
      ropc: aks({ login: 'auto' }),
      azurecli: aks({ clientId: aksServer, login: 'azurecli' }),
      workloadidentity: aks({
        clientId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
        login: 'workloadidentity',
      }),
    },
    skipped: {
      msi: /-l msi without --tenant-id .*pass --tenant/,
      'azurecli-no-tenant': /-l azurecli without --tenant-id .*pass --tenant/,
    },
  },
  'oidc-login': {
    converted: {
      oidc: {
        tenant,
        clientId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
        authorityHost: publicCloud,
        tokenType: 'id',
        scopes: [],
        login: 'auto',
        listenPort: 8000,
        expect: {
          issuer: `${publicCloud}/${tenant}/v2.0`,
          audience: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
        },
      },
      'oidc-access': {
        tenant,
        clientId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
        authorityHost: publicCloud,
        tokenType: 'access',
        scopes: ['api://k8s-prod/.default'],
        login: 'devicecode',
        caFile: '/etc/pki/idp-ca.pem',
        expect: { issuer: `https://sts.windows.net/${tenant}/` },
      },
    },
    skipped: { dex: /issuer https:\/\/dex\.example\.com is not Entra ID/ },
  },
};

function meaningOf(args: string[]): Meaning {
  assert.equal(args[0], 'get-token');
  const input = parseGetTokenArgs(args.slice(1));
  const meaning: Meaning = {
    tenant: input.tenant,
    clientId: input.clientId,
    authorityHost: input.authorityHost,
    tokenType: input.tokenType,
    scopes: input.scopes,
    login: input.login,
  };
  if (input.loginHint) meaning.loginHint = input.loginHint;
  if (input.clientCertificate) meaning.clientCertificate = input.clientCertificate;
  if (input.identityClientId) meaning.identityClientId = input.identityClientId;
  if (input.expect?.issuer || input.expect?.audience)
    meaning.expect = JSON.parse(JSON.stringify(input.expect)) as Meaning['expect'];
  if (input.caFile) meaning.caFile = input.caFile;
  if (input.listenPort !== undefined) meaning.listenPort = input.listenPort;
  return meaning;
}

const secrets = convertFixtureSecrets;

describe('kentra kubeconfig convert: the documented shapes', () => {
  for (const [name, want] of Object.entries(expected))
    it(`${name}: every user converted to the same tenant, client, cloud, audience and flow, or left with a reason`, () => {
      const edit = editOf({ [`/${name}`]: fixture(name) });
      const report = convertUsers(edit, { overrides: {}, command: 'kentra' });
      assert.deepEqual(
        Object.fromEntries(report.converted.map((user) => [user.user, meaningOf(user.args)])),
        want.converted,
      );
      assert.deepEqual(
        report.skipped.map((user) => user.user),
        Object.keys(want.skipped),
      );
      for (const user of report.skipped) assert.match(user.reason, want.skipped[user.user] as RegExp);
      const said = JSON.stringify(report);
      for (const secret of secrets) assert.doesNotMatch(said, new RegExp(secret), 'no secret in the report');
    });

  it('maps every kubelogin -l mode to the --login of the same name, and names the one gap left (ropc)', () => {
    const report = convertUsers(editOf({ '/m': fixture('kubelogin-modes') }), {
      overrides: {},
      command: 'kentra',
    });
    const notes = (user: string) =>
      report.converted.find((item) => item.user === user)?.notes.join('\n') ?? '';
    const gaps = report.converted.filter((user) => /gap:/.test(user.notes.join('\n'))).map((u) => u.user);
    assert.deepEqual(gaps, ['ropc']);
    assert.match(notes('ropc'), /gap: kentra never signs in with a password/);
    assert.match(notes('azurecli'), /az's signed-in account is used/);
    assert.match(
      notes('azurecli'),
      /exec env left out \(AZURE_CONFIG_DIR\): .*from the environment kubectl runs in/,
    );
    assert.match(notes('spn-certificate'), /signs in with --client-certificate/);
    assert.match(notes('spn-certificate'), /--client-certificate-password dropped/);
    assert.match(notes('spn'), /--client-secret dropped/);
    assert.match(notes('interactive'), /--redirect-url left out/);
  });

  it('says that a managed identity chosen by resource ID is a gap', () => {
    const text = fixture('kubelogin-modes').replace(
      '--client-id, 5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c]',
      '--identity-resource-id, /subscriptions/s/resourceGroups/g/providers/x/identity, --tenant-id, t]',
    );
    const report = convertUsers(editOf({ '/m': text }), { overrides: {}, command: 'kentra', context: 'msi' });
    const [msi] = report.converted;
    assert.equal(meaningOf(msi?.args ?? []).identityClientId, undefined, 'the system-assigned identity');
    assert.match(msi?.notes.join('\n') ?? '', /gap: a managed identity chosen by --identity-resource-id/);
  });

  it('knows no login mode by an inherited name (-l constructor)', () => {
    const text = fixture('aks-exec').replace('- devicecode', '- constructor');
    const [user] = convertUsers(editOf({ '/a': text }), { overrides: {}, command: 'kentra' }).converted;
    assert.equal(meaningOf(user?.args ?? []).login, 'auto');
    assert.match(user?.notes.join('\n') ?? '', /gap: kubelogin -l constructor has no kentra equivalent/);
  });

  it('takes --tenant, --client-id and --authority over the entry’s own', () => {
    const report = convertUsers(editOf({ '/m': fixture('kubelogin-modes') }), {
      overrides: { tenant: 'override-tenant', authority: 'https://127.0.0.1:9443' },
      command: '/opt/kentra',
      context: 'msi',
    });
    const [msi] = report.converted;
    assert.equal(report.skipped.length, 0);
    assert.deepEqual(meaningOf(msi?.args ?? []), {
      ...aks({
        tenant: 'override-tenant',
        authorityHost: 'https://127.0.0.1:9443',
        clientId: aksServer,
        login: 'msi',
        identityClientId: '5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c',
      }),
    });
  });

  it('converts only the user of --context, and says why another user is left alone', () => {
    const edit = editOf({ '/a': fixture('aks-exec') });
    assert.deepEqual(convertUsers(edit, { overrides: {}, command: 'kentra', context: 'kind-dev' }), {
      converted: [],
      skipped: [
        {
          user: 'kind-dev',
          file: '/a',
          reason: 'signs in without Azure/kubelogin, the azure auth-provider or int128/kubelogin',
        },
      ],
    } satisfies ConvertReport);
    assert.throws(
      () => convertUsers(edit, { overrides: {}, command: 'kentra', context: 'nope' }),
      (error: unknown) => error instanceof KentraError && /no context named "nope"/.test(error.message),
    );
  });
});
