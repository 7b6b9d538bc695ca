/**
 * One table of Entra tokens (claim sets), handed to every component that
 * reads them: the webhook (live state and its claim mapper), `kentra verify`
 * (its checks), `kentra whoami` (its view) and the cluster policy (the rules
 * rendered to CEL; test/fixtures/access/claim-cases.yaml has the real
 * kube-apiserver judge the same expressions). Each must give the same
 * overage, guest and issuer answers, and the table says which.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { issuerFor, issuerVersionOf } from '../../../../src/domain/entra/issuers.js';
import { jwtAuthenticator } from '../../../../src/domain/identity/authenticator.js';
import { evaluate } from '../../../../src/domain/identity/expr.js';
import { defaultIdentity } from '../../../../src/domain/identity/mapping.js';
import { type PolicySettings, policyRules } from '../../../../src/domain/identity/policy.js';
import { runChecks } from '../../../../src/domain/verify/checks.js';
import { entraView } from '../../../../src/domain/verify/entra-view.js';
import { issuerVersion, versionMixUp } from '../../../../src/domain/verify/issuer.js';
import { parseWebhookConfig, resolveWebhookConfig } from '../../../../src/webhook/config.js';
import { EntraState } from '../../../../src/webhook/entra-state.js';
import { sharedClaimMapper } from '../../../../src/webhook/identity.js';
import { silentLog } from '../../../../src/webhook/log.js';
import { verifyFacts } from '../../../helpers/verify-facts.js';
import { FakeGraph } from '../../webhook/fake-graph.js';

const tid = '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f';
const otherTenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const consumerTenant = '9188040d-6c67-4c5b-b112-36a304b66dad';
const oid = '5a1f0c9e-3b7d-4e2a-8c6f-9d0b1a2c3e4f';
const clientId = '0b9e3c1a-5d7f-4e2b-8a6c-1f3d5b7e9a2c';
const group = 'a1b2c3d4-0000-4000-8000-000000000001';
const iss = `https://login.microsoftonline.com/${tid}/v2.0`;
const now = Date.parse('2026-11-29T05:00:00Z');
const iat = Math.floor(now / 1000) - 60;

const base = { iss, aud: clientId, tid, oid, ver: '2.0', iat, nbf: iat, exp: iat + 3600, groups: [group] };
const overage = {
  _claim_names: { groups: 'src1' },
  _claim_sources: { src1: { endpoint: `https://graph.windows.net/${tid}/users/${oid}/getMemberObjects` } },
};

/** Claims on top of `base`; a claim set to undefined is removed. */
function token(changes: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...base, ...changes };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims;
}

const policy: PolicySettings = {
  allowedTenants: [tid],
  denyGuests: true,
  allowedNetworks: [],
  allowedClientApps: [],
  requireMfa: false,
  groupOverage: 'reject',
};
const authenticator = jwtAuthenticator({
  issuer: iss,
  audiences: [clientId],
  identity: defaultIdentity,
  policy,
});

/** The cluster policy: does the rule with this id refuse the token (false or an evaluation error)? */
function policyRefuses(id: string, claims: Record<string, unknown>): boolean {
  const rule = policyRules(policy).find((each) => each.id === id);
  assert.ok(rule, `no policy rule ${id}`);
  try {
    return evaluate(rule.expr, claims) !== true;
  } catch {
    return true;
  }
}

/** The webhook with live state: does it ask Graph for the user's groups instead of reading the token? */
async function webhookResolvesGroups(claims: Record<string, unknown>): Promise<boolean> {
  const graph = new FakeGraph();
  graph.addUser(oid);
  graph.addGroup(group, [oid]);
  const state = new EntraState({
    graph,
    now: () => now,
    pollIntervalMs: 1000,
    maxStalenessMs: 60_000,
    log: silentLog,
  });
  await state.syncOnce();
  const before = graph.calls.length;
  const verdict = await state.check(claims);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  return graph.calls.slice(before).some((call) => /^POST \/users\/.+\/getMemberGroups$/.test(call));
}

/** The webhook's claim mapper (shared with the structured config): is the token refused as a guest's? */
function webhookRefusesGuest(claims: Record<string, unknown>): boolean {
  const mapped = sharedClaimMapper({ identity: defaultIdentity, policy }, [iss], [clientId])(claims);
  return !mapped.ok && mapped.reason === 'policy_guests';
}

function verifyLine(claims: Record<string, unknown>, id: string) {
  const line = runChecks(verifyFacts(authenticator, claims)).find((result) => result.id === id);
  assert.ok(line, `no verify check ${id}`);
  return line;
}

describe('every component reads an Entra token the same way', () => {
  const overageRows: [string, Record<string, unknown>, boolean][] = [
    ['groups listed', {}, false],
    ['in no group (no groups claim)', { groups: undefined }, false],
    ['more than 200 groups: _claim_names/_claim_sources', { groups: undefined, ...overage }, true],
    ['implicit flow: hasgroups true', { groups: undefined, hasgroups: true }, true],
    ['hasgroups that is not true', { groups: undefined, hasgroups: 'true' }, false],
    ['distributed claims for another claim', { groups: undefined, _claim_names: { wids: 'src1' } }, false],
    ['groups listed beside an overage marker', { ...overage }, false],
    ['an overage marker that is not a map', { groups: undefined, _claim_names: 'groups' }, true],
  ];
  for (const [name, changes, expected] of overageRows)
    it(`groups overage, ${name}: ${expected}`, async () => {
      const claims = token(changes);
      const groupsLine = verifyLine(claims, 'groups-claim');
      assert.deepEqual(
        {
          webhook: await webhookResolvesGroups(claims),
          verify: groupsLine.status === 'fail' && /groups-overage form/.test(groupsLine.summary),
          whoami: entraView(claims).groupsOverage,
          policy: policyRefuses('group-overage', claims),
        },
        { webhook: expected, verify: expected, whoami: expected, policy: expected },
      );
    });

  const guestRows: [string, Record<string, unknown>, boolean][] = [
    ['a member (no acct, no idp)', {}, false],
    ['acct 0', { acct: 0 }, false],
    ['acct 1', { acct: 1 }, true],
    ['acct "1"', { acct: '1' }, true],
    ['idp equal to iss', { idp: iss }, false],
    ['idp: the own tenant, v1 form', { idp: `https://sts.windows.net/${tid}/` }, false],
    ['idp: the own tenant, v2 form', { idp: `https://login.microsoftonline.com/${tid}/v2.0` }, false],
    [
      'idp: the own tenant, US Government v1 form',
      { idp: `https://login.microsoftonline.us/${tid}/` },
      false,
    ],
    ['idp: the own tenant, China v1 form', { idp: `https://sts.chinacloudapi.cn/${tid}/` }, false],
    [
      'idp: another tenant (home tenant of a B2B guest)',
      { idp: `https://sts.windows.net/${otherTenant}/` },
      true,
    ],
    ['idp: another tenant, v2 form', { idp: `https://login.microsoftonline.com/${otherTenant}/v2.0` }, true],
    ['idp: a Microsoft account (live.com)', { idp: 'live.com' }, true],
    ['idp: the consumer tenant', { idp: `https://sts.windows.net/${consumerTenant}/` }, true],
    ['idp: the own tenant id on a foreign host', { idp: `https://idp.example/${tid}/` }, true],
  ];
  for (const [name, changes, expected] of guestRows)
    it(`guest, ${name}: ${expected}`, () => {
      const claims = token(changes);
      const policyLine = verifyLine(claims, 'policy');
      assert.deepEqual(
        {
          webhook: webhookRefusesGuest(claims),
          verify: policyLine.status === 'fail' && /guest accounts are not allowed/.test(policyLine.summary),
          whoami: entraView(claims).guest,
          policy: policyRefuses('guests', claims),
        },
        { webhook: expected, verify: expected, whoami: expected, policy: expected },
      );
    });

  const issuerRows: [string, string, 1 | 2, string][] = [
    ['public cloud', 'https://login.microsoftonline.com', 2, `https://login.microsoftonline.com/${tid}/v2.0`],
    ['public cloud', 'https://login.microsoftonline.com', 1, `https://sts.windows.net/${tid}/`],
    ['public cloud alias', 'https://login.windows.net', 1, `https://sts.windows.net/${tid}/`],
    ['US Government', 'https://login.microsoftonline.us', 2, `https://login.microsoftonline.us/${tid}/v2.0`],
    ['US Government', 'https://login.microsoftonline.us', 1, `https://login.microsoftonline.us/${tid}/`],
    ['China', 'https://login.chinacloudapi.cn', 2, `https://login.partner.microsoftonline.cn/${tid}/v2.0`],
    ['China', 'https://login.partner.microsoftonline.cn', 1, `https://sts.chinacloudapi.cn/${tid}/`],
    ['the emulator', 'https://127.0.0.1:8443', 2, `https://127.0.0.1:8443/${tid}/v2.0`],
    ['the emulator', 'https://127.0.0.1:8443', 1, `https://127.0.0.1:8443/${tid}/`],
  ];
  for (const [name, authority, tokenVersion, expected] of issuerRows)
    it(`issuer, ${name}, v${tokenVersion} tokens: ${expected}`, () => {
      const version = tokenVersion === 1 ? 'v1' : 'v2';
      // The access file: what `kentra cluster config` renders and the policy authenticator pins.
      const parsed = parseAccessFile({
        apiVersion: 'kentra.dev/v1alpha1',
        kind: 'Access',
        tenant: { id: tid, authority },
        app: { clientId, tokenVersion },
        clusters: [{ name: 'dev' }],
        rules: [],
      });
      assert.ok(parsed.file, JSON.stringify(parsed.issues));
      // The webhook, from the same access file.
      const hook = resolveWebhookConfig(
        parseWebhookConfig(
          stringify({ apiVersion: 'kentra.dev/v1alpha1', kind: 'WebhookConfiguration' }),
          'h',
        ),
        parsed.file,
        'h',
      );
      const bases = { v1: hook.entra.stsBase, v2: hook.entra.loginBase };
      assert.deepEqual(
        {
          accessFile: parsed.file.tenant.issuer,
          webhook: issuerFor(version, tid, bases),
          webhookForm: issuerVersionOf(expected, tid, bases),
          webhookAccepts: hook.entra.issuerVersions,
          verify: issuerVersion(expected),
          verifyMixUp: versionMixUp(expected, parsed.file.tenant.issuer, 'The token issuer'),
        },
        {
          accessFile: expected,
          webhook: expected,
          webhookForm: version,
          webhookAccepts: [version],
          verify: version,
          verifyMixUp: '',
        },
      );
    });
});
