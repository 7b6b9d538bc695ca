/**
 * `kentra elevate` in-process against the emulator: kentra's own sign-in
 * (get-token's use case; the stand-in browser answers the emulator's page),
 * Graph as the signed-in user, the PIM paths (plain, approval, MFA,
 * authentication context, not eligible, policy limits), the refreshed token
 * that kubectl would send, status and end.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { demoPimGroups } from '../../../src/emulator/default-seed.js';
import { type DemoUser, type EmulatorHandle, startEmulator } from '../../harness/emulator.js';
import { runCli } from '../../helpers/cli.js';
import { emulatorAccessFile } from '../../helpers/emulator-access-file.js';
import { approvePendingAsAlex } from '../../helpers/pim-approver.js';

type Row = Record<string, unknown>;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const standIn = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(repoRoot, 'test/e2e/login-stand-in-browser.ts')}`;

describe('kentra elevate (emulator, in-process)', () => {
  let entra: EmulatorHandle;
  let dir: string;

  before(async () => {
    entra = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), 'kentra-elevate-'));
    await writeFile(
      join(dir, 'kentra.yaml'),
      emulatorAccessFile(entra, {
        clusters: [{ name: 'prod', kind: 'self-managed', kubernetesVersion: '1.36' }],
        rules: [
          { group: entra.groups.developers, clusterRole: 'view' },
          { group: demoPimGroups.oncall, clusterRole: 'edit', namespaces: ['shop'] },
          { group: demoPimGroups.approval, clusterRole: 'admin', namespaces: ['shop'] },
          { group: demoPimGroups.mfa, clusterRole: 'cluster-admin' },
          { group: demoPimGroups.authContext, clusterRole: 'cluster-admin' },
        ],
      }),
    );
  });
  after(async () => {
    await entra.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** kentra as `user`: their own cache, signed in by the stand-in browser when needed. */
  const elevate = (user: DemoUser, args: string[], options: { onStderr?: (text: string) => void } = {}) =>
    runCli(['elevate', ...args, '--login-hint', user.upn, '--browser-command', standIn], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        KUBECONFIG: join(dir, 'no-kubeconfig'),
        KUBECACHEDIR: join(dir, `cache-${user.upn.split('@')[0]}`),
        KENTRA_TEST_USER: user.upn,
        KENTRA_TEST_PASSWORD: user.password,
        KENTRA_TEST_MFA_CODE: user.mfaCode,
        KENTRA_TEST_CA_FILE: entra.caFile,
      },
      ...options,
    });
  const json = (stdout: string) => JSON.parse(stdout) as Row;
  /** The token kubectl would get now: get-token's cache for the same sign-in (a hit, no network). */
  const cachedToken = async (user: DemoUser) => {
    const result = await runCli(
      [
        'get-token',
        ...['--tenant', entra.tenantId, '--client-id', entra.clientId, '--authority', entra.url],
        ...['--login-hint', user.upn, '--certificate-authority', entra.caFile],
      ],
      { cwd: dir, env: { HOME: dir, KUBECACHEDIR: join(dir, `cache-${user.upn.split('@')[0]}`) } },
    );
    return String((json(result.stdout).status as Row).token);
  };

  it('lists what Devi is eligible for, with what each grants', async () => {
    const result = await elevate(entra.users.developer, ['-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const options = json(result.stdout).options as Row[];
    const byName = new Map(options.map((o) => [(o.group as Row).displayName, o]));
    assert.deepEqual([...byName.keys()].sort(), Object.values(demoPimGroups).sort());
    const oncall = byName.get(demoPimGroups.oncall) as Row;
    assert.deepEqual((oncall.policy as Row).maximumDuration, 'PT4H');
    const grant = (((oncall.grants as Row[])[0]?.grants ?? []) as Row[])[0] as Row;
    assert.equal(grant.scope, 'namespace shop');
    assert.ok((grant.can as string[]).includes('delete pods'), 'edit lets one delete pods');
    assert.ok(!(grant.can as string[]).includes('change RBAC'), 'edit does not change RBAC');
    const admin = ((byName.get(demoPimGroups.mfa) as Row).grants as Row[])[0] as Row;
    assert.deepEqual(((admin.grants as Row[])[0] as Row).can, ['everything']);
    assert.equal(((byName.get(demoPimGroups.approval) as Row).policy as Row).approval, true);
  });

  it('activates, refreshes the cached token to carry the group, shows status and ends it', async () => {
    const devi = entra.users.developer;
    const oncall = entra.groups[demoPimGroups.oncall] as string;
    const tooLong = await elevate(devi, [demoPimGroups.oncall, '--for', '5h', '--reason', 'x']);
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /longer than the policy allows \(4h\)/);
    const noReason = await elevate(devi, [demoPimGroups.oncall, '--for', '1h']);
    assert.match(noReason.stderr, /requires a reason/);

    const before = await cachedToken(devi);
    assert.ok(!((decodeJwt(before).groups as string[]) ?? []).includes(oncall));
    const result = await elevate(devi, [
      demoPimGroups.oncall,
      '--for',
      '2h',
      '--reason',
      'INC-1: stuck pods',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const activated = json(result.stdout);
    assert.equal(activated.outcome, 'activated');
    assert.equal(activated.tokenCarriesGroup, true);
    const end = Date.parse(String(activated.end));
    assert.ok(Math.abs(end - (entra.control.scheduleNow() + 2 * 3_600_000)) < 60_000, 'ends in two hours');
    const after = await cachedToken(devi);
    assert.ok(
      (decodeJwt(after).groups as string[]).includes(oncall),
      'the token kubectl gets carries the group',
    );

    const status = await elevate(devi, ['--status']);
    assert.match(status.stdout, new RegExp(`Active elevations:\\n  ${demoPimGroups.oncall}  until `));
    const early = await elevate(devi, ['--end', demoPimGroups.oncall]);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /pim\.refused.*at least 5 minutes/);
    entra.control.advanceClock(5 * 60_000);
    const ended = await elevate(devi, ['--end', '-o', 'json']);
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(json(ended.stdout).tokenCarriesGroup, false);
    assert.ok(!((decodeJwt(await cachedToken(devi)).groups as string[]) ?? []).includes(oncall));
    const audits = entra.control.directoryAudits().filter((a) => a.loggedByService === 'PIM');
    assert.ok(
      audits.some((a) =>
        a.additionalDetails?.some((d) => d.key === 'Justification' && d.value === 'INC-1: stuck pods'),
      ),
    );
  });

  it('refuses a user who is not eligible', async () => {
    const result = await elevate(entra.users.noGroups, [
      demoPimGroups.oncall,
      '--for',
      '1h',
      '--reason',
      'x',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\[pim\.not_eligible\]: you are not eligible for oncall/);
  });

  it('waits for the approver, who approves through Graph', async () => {
    const devi = entra.users.developer;
    let approving: Promise<number> | undefined;
    const result = await elevate(
      devi,
      [demoPimGroups.approval, '--for', '1h', '--reason', 'deploy CHG-9', '-o', 'json'],
      {
        onStderr: (text) => {
          if (!approving && /needs an approver's decision/.test(text))
            approving = approvePendingAsAlex(entra, 'ok');
        },
      },
    );
    assert.equal(await approving, 204);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result.stdout).outcome, 'activated');
    assert.ok(
      (decodeJwt(await cachedToken(devi)).groups as string[]).includes(
        entra.groups[demoPimGroups.approval] as string,
      ),
    );
  });

  it('signs in again with MFA, and with the authentication context, when the policy asks', async () => {
    const devi = entra.users.developer;
    for (const group of [demoPimGroups.mfa, demoPimGroups.authContext]) {
      const result = await elevate(devi, [group, '--for', '1h', '--reason', 'sev1', '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /signing you in again/);
      assert.equal(json(result.stdout).outcome, 'activated');
    }
    const signIns = entra.control.signIns() as readonly Row[];
    assert.ok(
      signIns.some(
        (s) =>
          s.userPrincipalName === devi.upn && s.authenticationRequirement === 'multiFactorAuthentication',
      ),
      'the step-up sign-in used a second factor',
    );
  });
});
