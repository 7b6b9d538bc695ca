/**
 * The parsers of untrusted input, each as a fuzz target: what reaches kentra
 * from files people edit (kentra.yaml, the webhook config, the emulator seed,
 * kubeconfig), from logs (audit lines, sign-in exports), from the network
 * (TokenReview bodies, JWT headers and payloads, Graph responses), and the
 * certificate files a service principal signs in with (PKCS #12).
 *
 * Each target's `run` calls the product's own entry for that input and checks
 * what a correct result must look like; harness.ts turns anything else into a
 * failure with a replayable seed.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, importJWK } from 'jose';
import { parse, stringify } from 'yaml';
import {
  applicationsByAppId,
  assignmentsOf,
  servicePrincipalOf,
} from '../../src/adapters/graph/applications.js';
import { type FetchLike, GraphClient } from '../../src/adapters/graph/client.js';
import { groupById, groupsByDisplayName } from '../../src/adapters/graph/groups.js';
import { memberGroupIds } from '../../src/adapters/graph/membership.js';
import { openKubeconfig } from '../../src/adapters/kube/kubeconfig.js';
import { readPkcs12 } from '../../src/adapters/pkcs12.js';
import { displayValue } from '../../src/adapters/render/terminal-text.js';
import { isObjectId } from '../../src/domain/access/model.js';
import { authenticateClaims } from '../../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../../src/domain/identity/from-access-file.js';
import { entraView } from '../../src/domain/verify/entra-view.js';
import { defaultSeed } from '../../src/emulator/default-seed.js';
import { tenantsFromSeedText } from '../../src/emulator/seed.js';
import { KentraError } from '../../src/errors.js';
import { runAudit } from '../../src/usecases/audit.js';
import { writeKubeconfig } from '../../src/usecases/kubeconfig.js';
import { loadAccessFile } from '../../src/usecases/load-access.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../src/webhook/config.js';
import type { JwksCache } from '../../src/webhook/jwks-cache.js';
import { parseTokenReview } from '../../src/webhook/token-review.js';
import { type RejectReason, TokenValidator } from '../../src/webhook/token-validator.js';
import { authenticatedSafe, type PfxRecipe, type Scheme, sealPfx } from '../helpers/pkcs12-writer.js';
import { auditEvent, groupAddAudit, signIn } from '../unit/domain/audit/fixtures.js';
import type { FuzzTarget } from './harness.js';
import { byteDamage, damageBytes, hostileDocuments, hostileObjects, hostileValue } from './mutate.js';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url);
const repoFile = (path: string) => new URL(`../../${path}`, import.meta.url);
const readYaml = async (url: URL) => parse(await (await import('node:fs/promises')).readFile(url, 'utf8'));
const yamlText = (value: unknown) => stringify(value, { lineWidth: 0 });
const jsonText = (value: unknown) => JSON.stringify(value);

/** A scratch folder per run for the parsers that read files by path. */
function scratch() {
  let dir = '';
  return {
    setup: async () => {
      dir = await mkdtemp(join(tmpdir(), 'kentra-fuzz-'));
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
    path: (name: string) => join(dir, name),
  };
}

/** Text kentra shows a person must not carry a control character that acts (C0 but \n, C1, ESC). */
function assertInert(text: string, where: string): void {
  const inert = text.split('\n').map(displayValue).join('\n');
  assert.equal(text, inert, `${where}: a control character reached the output`);
}

/** Every section of kentra.yaml, one of each kind: small enough to parse ten thousand times. */
const accessBase = {
  apiVersion: 'kentra.dev/v1alpha1',
  kind: 'Access',
  name: 'prod',
  tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f', authority: 'https://login.microsoftonline.com' },
  app: {
    name: 'kentra',
    clientId: '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c',
    tokenVersion: 2,
    audiences: ['api://kentra'],
  },
  clusters: [{ name: 'prod', kind: 'self-managed', kubernetesVersion: '1.34' }],
  identity: { username: { claim: 'oid', prefix: 'entra:' }, extra: { sid: true } },
  policy: {
    denyGuests: true,
    requireAuthenticationContext: 'c1',
    maxTokenAge: '90m',
    allowedNetworks: ['10.0.0.0/8'],
  },
  rules: [
    { group: 'platform-admins', clusterRole: 'cluster-admin' },
    { group: 'developers', role: 'edit', namespaces: ['team-a'], expires: '2030-01-01' },
  ],
};

async function accessFileTarget(): Promise<FuzzTarget<string>> {
  const base = accessBase;
  return {
    name: 'access-file',
    input: 'kentra.yaml (YAML text)',
    arbitrary: hostileDocuments(base, yamlText, jsonText),
    async run(text) {
      const loaded = await loadAccessFile('kentra.yaml', async () => text);
      const { file } = loaded;
      assert.ok(file.clusters.length >= 1, 'a valid file names a cluster');
      assert.ok(isObjectId(file.tenant.id), 'the tenant is an object ID');
      for (const rule of file.rules) assert.ok(typeof rule.group === 'string' && rule.group !== '');
      // What every command does next with a valid file: build the claim mapping and policy.
      authenticatorFromAccessFile(file, file.app.clientId ?? '00000000-0000-0000-0000-000000000001');
    },
  };
}

async function webhookConfigTarget(): Promise<FuzzTarget<string>> {
  const base = await readYaml(repoFile('deploy/webhook/kentra-webhook.yaml'));
  delete base.accessFile;
  base.entra = {
    ...base.entra,
    tenants: ['7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f'],
    audiences: ['api://kentra'],
  };
  return {
    name: 'webhook-config',
    input: 'kentra webhook --config (YAML text)',
    arbitrary: hostileDocuments(base, yamlText, jsonText),
    run(text) {
      const document = parseWebhookConfig(text, 'webhook.yaml');
      const config = resolveWebhookConfig(document, undefined, 'webhook.yaml');
      assert.ok(config.entra.tenants.length > 0 && config.entra.audiences.length > 0);
    },
  };
}

function emulatorSeedTarget(): FuzzTarget<string> {
  // The demo seed cut to a few of each kind: small enough to parse thousands of times.
  const seed = defaultSeed() as unknown as { tenants: Record<string, unknown>[] };
  const tenant = Object.fromEntries(
    Object.entries(seed.tenants[0] ?? {})
      .filter(([key]) => key !== 'conditionalAccessPolicies') // they name apps cut away here
      .map(([key, value]) => [key, Array.isArray(value) ? value.slice(0, 1) : value]),
  );
  const base = { tenants: [tenant] };
  return {
    name: 'emulator-seed',
    input: 'kentra emulator --seed (YAML text)',
    arbitrary: hostileDocuments(base, yamlText, jsonText),
    run(text) {
      const tenants = tenantsFromSeedText(text, 'seed.yaml');
      for (const tenant of tenants) {
        assert.ok(isObjectId(tenant.id), 'the tenant is an object ID');
        assert.ok(tenant.domain !== '', 'the tenant has a domain');
        for (const [id, user] of tenant.users) assert.equal(user.id, id, 'users are keyed by their ID');
      }
    },
  };
}

async function kubeconfigTarget(): Promise<FuzzTarget<string>> {
  const base = await readYaml(fixture('kubeconfig/existing.yaml'));
  const files = scratch();
  let n = 0;
  return {
    name: 'kubeconfig',
    input: 'a kubeconfig file (read by every command, merged by `kentra kubeconfig`)',
    arbitrary: hostileDocuments(base, yamlText, jsonText),
    setup: files.setup,
    teardown: files.teardown,
    async run(text) {
      const path = files.path(`config-${n++ % 4}`);
      await writeFile(path, text);
      // The one kubeconfig source: the reader every cluster command uses, then the writer that merges
      // kentra's entries in (under kubectl's lock, atomically).
      const place = { env: {}, cwd: files.path('.') };
      const source = openKubeconfig({ kubeconfig: path }, place, { lockTimeoutMs: 1000 });
      await source.connection().catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // a file named inside the kubeconfig
        throw error;
      });
      // The writer (parse, merge, lock, atomic write) is slower: every eighth input, chosen by its text so a seed replays.
      if (text.length % 8 !== 0) return;
      const result = await writeKubeconfig(
        {
          clusterName: 'fuzz',
          server: 'https://127.0.0.1:6443',
          command: 'kentra',
          tenant: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f',
          clientId: '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c',
          scopes: [],
          force: true,
          useContext: false,
          toStdout: false,
        },
        { kubeconfig: source, cwd: files.path('.') },
      );
      assert.equal(result.context, 'fuzz');
      assert.ok(
        parse(await (await import('node:fs/promises')).readFile(path, 'utf8')).contexts.some(
          (entry: { name?: unknown }) => entry?.name === 'fuzz',
        ),
      );
    },
  };
}

/** The whole `kentra audit` pipeline over a few hostile lines, in every output format. */
function auditTarget(): FuzzTarget<{ lines: string[]; output: 'table' | 'json' | 'ocsf' | 'html' }> {
  const event = auditEvent();
  return {
    name: 'audit-log-lines',
    input: 'Kubernetes audit log lines (JSON lines, any writer)',
    arbitrary: fc.record({
      lines: fc.array(hostileDocuments(event, jsonText), { minLength: 1, maxLength: 3 }),
      output: fc.constantFrom('table' as const, 'json' as const, 'ocsf' as const, 'html' as const),
    }),
    async run({ lines, output }) {
      let stdout = '';
      let stderr = '';
      await runAudit(
        {
          auditPaths: ['-'],
          signInPaths: [],
          output,
          mappings: {},
          join: {},
          filter: { users: [], groups: [], namespaces: [], verbs: [], resources: [], deniedOnly: false },
          follow: false,
        },
        auditDeps(
          lines.join('\n'),
          (text) => {
            stdout += text;
          },
          (text) => {
            stderr += text;
          },
        ),
      );
      if (output === 'table') assertInert(stdout, 'audit table');
      assertInert(stderr, 'audit messages');
      if (output === 'json' || output === 'ocsf')
        for (const line of stdout.split('\n').filter(Boolean)) JSON.parse(line);
    },
  };
}

function auditDeps(input: string, out: (text: string) => void, err: (text: string) => void, cwd = tmpdir()) {
  return {
    stdout: { write: out },
    stderr: { write: err },
    stdin: Readable.from([input]),
    cwd,
    now: () => Date.parse('2026-11-29T06:00:00Z'),
    interrupted: new Promise(() => {}),
    colour: false,
    progress: false,
    productVersion: '0.0.0-fuzz',
    env: {},
    readText: async () => {
      throw Object.assign(new Error('no access file'), { code: 'ENOENT' });
    },
    openGraph: async () => {
      throw new Error('no network in the fuzz run');
    },
  };
}

/** Sign-in exports (Graph JSON, Log Analytics, JSON lines) read by `kentra audit --signins` and joined. */
function signInTarget(): FuzzTarget<string> {
  const files = scratch();
  const page = { value: [signIn(), signIn({ id: 'second', ipAddress: '198.51.100.9' })] };
  const groupAdd = groupAddAudit();
  return {
    name: 'sign-in-logs',
    input: 'Entra sign-in log exports (JSON, JSON lines)',
    arbitrary: fc.oneof(
      hostileDocuments(page, jsonText),
      hostileDocuments({ value: [groupAdd, signIn()] }, jsonText),
      fc.array(hostileDocuments(signIn(), jsonText), { maxLength: 3 }).map((lines) => lines.join('\n')),
    ),
    setup: files.setup,
    teardown: files.teardown,
    async run(text) {
      await writeFile(files.path('signins.json'), text);
      let stdout = '';
      let stderr = '';
      await runAudit(
        {
          auditPaths: ['-'],
          signInPaths: ['signins.json'],
          output: 'table',
          mappings: {},
          join: {},
          filter: { users: [], groups: [], namespaces: [], verbs: [], resources: [], deniedOnly: false },
          follow: false,
        },
        auditDeps(
          jsonText(auditEvent()),
          (t) => {
            stdout += t;
          },
          (t) => {
            stderr += t;
          },
          files.path('.'),
        ),
      );
      assertInert(stdout, 'audit table');
      assertInert(stderr, 'audit messages');
    },
  };
}

function tokenReviewTarget(): FuzzTarget<string> {
  const base = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: 'x.y.z', audiences: ['a'] },
  };
  return {
    name: 'token-review-bodies',
    input: 'TokenReview request bodies (JSON from the API server, or anyone who reaches the webhook)',
    arbitrary: hostileDocuments(base, jsonText),
    run(body) {
      const parsed = parseTokenReview(body);
      if (parsed.ok) {
        assert.ok(typeof parsed.review.token === 'string' && parsed.review.token !== '');
        assert.ok(
          parsed.review.audiences === undefined ||
            parsed.review.audiences.every((a) => typeof a === 'string'),
        );
      } else assert.equal(typeof parsed.reason, 'string');
    },
  };
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const rejectReasons = new Set<RejectReason>([
  'token_too_large',
  'malformed_token',
  'algorithm_not_allowed',
  'missing_kid',
  'tenant_not_allowed',
  'issuer_not_accepted',
  'unknown_kid',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'audience_mismatch',
  'missing_claim',
  'client_not_allowed',
  'invalid_token',
]);

/**
 * JWT header and payload: the webhook's validator on compact tokens built from
 * hostile headers and payloads (never validly signed, so every one must be
 * refused with a known reason), and the claim readers that run on a payload
 * (the shared claim mapping and policy, `whoami`'s Entra view).
 */
function jwtTarget(): FuzzTarget<{
  header: string;
  payload: string;
  signature: string;
  raw: string | undefined;
}> {
  const tenant = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
  const now = Date.parse('2026-11-29T06:00:00Z');
  const header = { alg: 'RS256', kid: 'key-1', typ: 'JWT' };
  const payload = {
    aud: 'api://kentra',
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    iat: now / 1000,
    nbf: now / 1000,
    exp: now / 1000 + 3600,
    oid: '11111111-1111-4111-8111-111111111111',
    tid: tenant,
    groups: ['22222222-2222-4222-8222-222222222222'],
    uti: 'abc',
    sid: 'def',
    acct: 0,
    acrs: ['c1'],
    ver: '2.0',
  };
  let validator: TokenValidator | undefined;
  const accessFile = {
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: tenant },
    app: { clientId: '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c' },
    clusters: [{ name: 'dev' }],
    policy: { maxTokenAge: '2h', requireAuthenticationContext: 'c1' },
    rules: [],
  };
  let authenticator: ReturnType<typeof authenticatorFromAccessFile> | undefined;
  return {
    name: 'jwt',
    input:
      'JWT header and payload (bearer tokens from anyone who reaches the webhook; tokens kentra decodes)',
    arbitrary: fc.record({
      header: hostileDocuments(header, jsonText),
      payload: hostileDocuments(payload, jsonText),
      signature: fc.oneof(fc.constant(''), fc.base64String({ maxLength: 40 })),
      raw: fc.option(fc.string({ maxLength: 80 }), { freq: 5 }),
    }),
    async setup() {
      const keys = await generateKeyPair('RS256', { extractable: true });
      const key = await importJWK(await exportJWK(keys.publicKey), 'RS256');
      const jwks = { keyFor: async () => key } as unknown as JwksCache;
      validator = new TokenValidator({
        tenants: [tenant],
        issuerVersions: ['v1', 'v2'],
        issuerBases: { v1: 'https://sts.windows.net', v2: 'https://login.microsoftonline.com' },
        audiences: ['api://kentra'],
        clockSkewSeconds: 60,
        maxTokenLength: 16 * 1024,
        now: () => now,
        keysFor: () => jwks,
      });
      const { parseAccessFile } = await import('../../src/domain/access/parse.js');
      const file = parseAccessFile(accessFile).file;
      assert.ok(file);
      authenticator = authenticatorFromAccessFile(file, '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c');
    },
    async run(input) {
      const token = input.raw ?? `${b64url(input.header)}.${b64url(input.payload)}.${input.signature}`;
      const result = await (validator as TokenValidator).validate(token);
      assert.equal(result.ok, false, 'an unsigned token is never accepted');
      if (!result.ok) {
        assert.ok(rejectReasons.has(result.reason), `known reason: ${result.reason}`);
        assert.ok(!result.detail.includes(token) || token.length < 8, 'the detail never echoes the token');
      }
      // What runs on a payload once its signature holds (webhook) or to show it (whoami, verify).
      let claims: unknown;
      try {
        claims = JSON.parse(input.payload);
      } catch {
        return;
      }
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return;
      const claimSet = claims as Record<string, unknown>;
      const outcome = authenticateClaims(
        authenticator as ReturnType<typeof authenticatorFromAccessFile>,
        claimSet,
      );
      if (outcome.authenticated) assert.equal(typeof outcome.user.username, 'string');
      const view = entraView(claimSet);
      assert.ok(Array.isArray(view.audience) && Array.isArray(view.groupIds));
    },
  };
}

/**
 * Graph responses as the typed readers see them: status, Retry-After, and a
 * body that is a hostile variant of a real page, or anything at all.
 */
function graphTarget(): FuzzTarget<{
  responses: { status: number; retryAfter: string | null; body: string }[];
  call: number;
}> {
  const group = {
    id: '22222222-2222-4222-8222-222222222222',
    displayName: 'developers',
    securityEnabled: true,
  };
  const page = { value: [group], '@odata.nextLink': 'https://graph.fuzz/v1.0/groups?$skiptoken=x' };
  const response = fc.record({
    status: fc.oneof(
      fc.constantFrom(200, 200, 200, 204, 400, 401, 403, 404, 429, 500, 503),
      fc.integer({ min: 100, max: 599 }),
    ),
    retryAfter: fc.option(
      fc.oneof(
        fc.constantFrom('0', '1', '-1', 'soon', '1e9', 'Wed, 21 Oct 2015 07:28:00 GMT'),
        fc.string({ maxLength: 10 }),
      ),
    ),
    body: fc.oneof(
      hostileDocuments(page, jsonText),
      hostileDocuments(group, jsonText),
      fc.constantFrom('', 'null', '[]', '"x"', '7'),
    ),
  });
  const objects = (list: unknown[]) =>
    assert.ok(list.every((item) => typeof item === 'object' && item !== null));
  // Each reader, and what its callers rely on in its result.
  const calls: ((client: GraphClient) => Promise<void>)[] = [
    async (client) => objects(await groupsByDisplayName(client, 'developers')),
    async (client) => {
      const found = await groupById(client, group.id);
      assert.ok(
        found === undefined || (typeof found.id === 'string' && typeof found.displayName === 'string'),
      );
    },
    async (client) =>
      assert.ok(
        (await memberGroupIds(client, '11111111-1111-4111-8111-111111111111')).every(
          (id) => typeof id === 'string',
        ),
      ),
    async (client) => objects(await applicationsByAppId(client, '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c')),
    async (client) => {
      const found = await servicePrincipalOf(client, '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c');
      assert.ok(found === undefined || typeof found === 'object');
    },
    async (client) => objects(await assignmentsOf(client, '33333333-3333-4333-8333-333333333333')),
  ];
  return {
    name: 'graph-responses',
    input: 'Microsoft Graph responses (status, Retry-After, JSON body)',
    arbitrary: fc.record({
      responses: fc.array(response, { minLength: 1, maxLength: 5 }),
      call: fc.nat({ max: calls.length - 1 }),
    }),
    async run({ responses, call }) {
      let next = 0;
      const fetch: FetchLike = async (url) => {
        assert.ok(
          url.startsWith('https://graph.fuzz/'),
          `the bearer token goes to Graph only, not to ${url}`,
        );
        const answer = responses[next++] ?? { status: 404, retryAfter: null, body: '' };
        return {
          status: answer.status,
          headers: { get: (name) => (name === 'retry-after' ? answer.retryAfter : null) },
          text: async () => answer.body,
        };
      };
      const client = new GraphClient({
        baseUrl: 'https://graph.fuzz',
        fetch,
        accessToken: async () => 'graph-token',
        sleep: async () => {},
        now: () => 0,
      });
      await (calls[call] as (client: GraphClient) => Promise<void>)(client);
    },
  };
}

/**
 * PKCS #12 files (`get-token --login spn --client-certificate x.pfx`, `--graph-auth
 * client-certificate`): the test writer's files in every scheme, DER and BER, with and
 * without a MAC (one key-derivation round, so ten thousand cases stay fast), and two of
 * OpenSSL's, damaged byte-wise either as a whole or inside the AuthenticatedSafe and then
 * sealed with a fresh MAC, so that the damage reaches what the MAC guards. A result must
 * put the key's certificate first; a refusal must not carry the password.
 */
function pkcs12Target(): FuzzTarget<{
  base: number;
  inside: boolean;
  edits: Parameters<typeof damageBytes>[1];
  password: 'right' | 'none' | 'wrong';
}> {
  const password = 'kentra-fuzz-pfx-password';
  const bases: { file: Buffer; password: string | undefined; recipe?: PfxRecipe; safe?: Buffer }[] = [];
  return {
    name: 'pkcs12',
    input: 'PKCS #12 files (--client-certificate x.pfx)',
    arbitrary: fc.record({
      base: fc.nat(),
      inside: fc.boolean(),
      edits: byteDamage,
      password: fc.constantFrom('right' as const, 'right' as const, 'none' as const, 'wrong' as const),
    }),
    async setup() {
      const { readFile } = await import('node:fs/promises');
      const certificates = fixture('certificates/');
      const openssl = async (name: string, given: string | undefined) =>
        bases.push({ file: await readFile(new URL(name, certificates)), password: given });
      await openssl('spn-nomac.pfx', undefined);
      await openssl('spn-3des.pfx', 'kentra-test-pfx-password');
      const key = createPrivateKey(await readFile(new URL('spn.pem', certificates)));
      const own = new X509Certificate(await readFile(new URL('cert.pem', certificates)));
      // A second, unrelated certificate listed first: the reader must still put the key's first.
      const other = new X509Certificate(
        readPkcs12(
          await readFile(new URL('spn-aes.pfx', certificates)),
          'kentra-test-pfx-password',
        ).certificatePem.split(/(?<=-----END CERTIFICATE-----\n)/)[1] ?? '',
      );
      const schemes: [Scheme, Scheme, boolean][] = [
        ['pbes2', 'pbes2', true],
        ['3des', '3des', true],
        ['pbes2', 'none', true],
        ['none', '3des', true],
        ['none', 'none', false],
      ];
      for (const ber of [false, true])
        for (const [keyScheme, certificateScheme, mac] of schemes)
          for (const filePassword of [password, null]) {
            const recipe: PfxRecipe = {
              key,
              certificates: [other, own],
              password: filePassword,
              keyScheme,
              certificateScheme,
              iterations: 1,
              mac,
              ber,
            };
            const safe = authenticatedSafe(recipe);
            bases.push({ file: sealPfx(safe, recipe), password: filePassword ?? undefined, recipe, safe });
          }
    },
    run({ base, inside, edits, password: which }) {
      const chosen = bases[base % bases.length] as (typeof bases)[number];
      const file =
        inside && chosen.recipe && chosen.safe
          ? sealPfx(damageBytes(chosen.safe, edits), chosen.recipe)
          : damageBytes(chosen.file, edits);
      const given = which === 'right' ? chosen.password : which === 'none' ? undefined : 'not-the-password';
      let result: ReturnType<typeof readPkcs12>;
      try {
        result = readPkcs12(file, given);
      } catch (error) {
        if (error instanceof KentraError && given)
          assert.ok(
            !`${error.message} ${error.hint ?? ''}`.includes(given),
            'a refusal never carries the password',
          );
        throw error;
      }
      const key = createPrivateKey(result.privateKeyPem);
      const [first] =
        result.certificatePem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
      assert.ok(
        first && new X509Certificate(first).checkPrivateKey(key),
        "the key's certificate comes first",
      );
    },
  };
}

export async function fuzzTargets(): Promise<FuzzTarget<never>[]> {
  return [
    await accessFileTarget(),
    await webhookConfigTarget(),
    emulatorSeedTarget(),
    await kubeconfigTarget(),
    auditTarget(),
    signInTarget(),
    tokenReviewTarget(),
    jwtTarget(),
    graphTarget(),
    pkcs12Target(),
  ] as FuzzTarget<never>[];
}

export { hostileObjects, hostileValue };
