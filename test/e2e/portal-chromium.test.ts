/**
 * `kentra portal` in Debian's Chromium: sign-in through the emulator's page
 * with the portal's own app, the access shown from a real kube-apiserver's
 * RBAC, keyboard-only activation of an eligible group, a stronger sign-in when
 * the group's policy asks for MFA, the kubeconfig download, the security
 * properties (cookies, CSP, CSRF, no token in the page), and axe-core with no
 * serious or critical violation on each page. Screenshots go to
 * $KENTRA_SCREENSHOTS (default: a kentra-portal-screenshots folder in tmp).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoPimGroups } from '../../src/emulator/default-seed.js';
import { launchChromium, spkiHash } from '../harness/chromium.js';
import type { ControlPlane } from '../harness/control-plane.js';
import { type EmulatorHandle, startEmulator } from '../harness/emulator.js';
import { kubectl } from '../harness/kubectl.js';
import { type PortalWorld, startPortalWorld } from '../harness/portal-world.js';
import { sharedControlPlane } from '../harness/world.js';

const screenshots = process.env.KENTRA_SCREENSHOTS ?? join(tmpdir(), 'kentra-portal-screenshots');
const axeSource = readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
}

/** axe-core in the page (through the DevTools protocol: the portal's CSP allows no script of its own). */
async function axe(page: Page): Promise<AxeResult['violations']> {
  await page.evaluate(await axeSource);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as AxeResult;
  return result.violations;
}

function serious(violations: AxeResult['violations']): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}`);
}

describe('kentra portal in Chromium', () => {
  let entra: EmulatorHandle;
  let cluster: ControlPlane;
  let portal: PortalWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const audit: Record<string, string[]> = {};

  before(async () => {
    await mkdir(screenshots, { recursive: true });
    entra = await startEmulator();
    cluster = await sharedControlPlane();
    const developers = `entra:group:${entra.groups.developers}`;
    const oncall = `entra:group:${entra.groups[demoPimGroups.oncall]}`;
    const applied = await kubectl(cluster.adminKubeconfig, ['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'portal-shop' } },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'portal-pod-operator' },
            rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }],
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'portal-developers', namespace: 'portal-shop' },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'portal-pod-operator',
            },
            subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: developers }],
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: 'portal-oncall-admins' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: [
              { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: oncall },
              {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'Group',
                name: `entra:group:${entra.groups[demoPimGroups.mfa]}`,
              },
            ],
          },
        ],
      }),
    });
    assert.equal(applied.code, 0, applied.stderr);
    portal = await startPortalWorld({
      entra,
      cluster,
      rules: [
        { group: 'developers', clusterRole: 'portal-pod-operator', namespaces: ['portal-shop'] },
        { group: demoPimGroups.oncall, clusterRole: 'cluster-admin', jit: true },
        { group: demoPimGroups.mfa, clusterRole: 'cluster-admin', jit: true },
      ],
    });
    browser = await launchChromium({ trustSpki: `${spkiHash(entra.caPem)},${spkiHash(portal.caPem)}` });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await portal?.stop();
    await entra?.stop();
    for (const [name, found] of Object.entries(audit))
      console.log(`axe ${name}: ${found.length === 0 ? 'no violations' : found.join('; ')}`);
    console.log(`portal screenshots: ${screenshots}`);
  });

  async function shoot(name: string) {
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  }

  async function signInOnEntra(options: { mfa?: boolean } = {}) {
    await page.waitForURL((url) => url.origin === entra.url);
    if (await page.locator('input[name=loginfmt]:not([type=hidden])').count()) {
      await page.fill('input[name=loginfmt]', entra.users.developer.upn);
      await page.click('#idSIButton9');
    }
    if (await page.locator('input[name=passwd]').count()) {
      await page.fill('input[name=passwd]', entra.users.developer.password);
      await page.click('#idSIButton9');
    }
    if (options.mfa) {
      await page.fill('input[name=otc]', entra.users.developer.mfaCode);
      await page.click('#idSubmit_SAOTCC_Continue');
    }
    await page.waitForURL((url) => url.origin === portal.url && url.pathname === '/');
  }

  it('signs in with the portal app and shows who you are, your groups and what you can do on the cluster', async () => {
    const response = await page.goto(portal.url);
    const headers = response?.headers() ?? {};
    assert.match(headers['content-security-policy'] ?? '', /default-src 'none'; style-src 'self'/);
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /script-src/, 'no script source at all');
    await shoot('1-signed-out');
    audit['signed-out'] = (await axe(page)).map((v) => `${v.id} (${v.impact})`);
    assert.deepEqual(serious(await axe(page)), []);

    await page.click('text=Sign in with Microsoft Entra ID');
    await signInOnEntra();
    await page.waitForSelector('h1');
    assert.equal(await page.textContent('h1'), 'Your Kubernetes access');
    const text = (await page.textContent('main')) ?? '';
    assert.match(text, /Devi Developer/);
    assert.match(text, /developers/);
    assert.match(text, /all-engineers/);
    assert.match(
      text,
      /namespace portal-shop:\s*read pods, delete pods/,
      'from the real cluster RBAC, for Devi',
    );
    assert.match(text, new RegExp(demoPimGroups.oncall));

    const cookies = await context.cookies(portal.url);
    const session = cookies.find((c) => c.name === '__Host-kentra-session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Lax');
    assert.ok(!cookies.some((c) => c.name === '__Host-kentra-login'), 'the sign-in cookie is gone');
    const html = await page.content();
    assert.doesNotMatch(html, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'no JWT in the page');
    assert.doesNotMatch(html, /<script/i);
    await shoot('2-dashboard');
    audit.dashboard = (await axe(page)).map((v) => `${v.id} (${v.impact})`);
    assert.deepEqual(serious(await axe(page)), []);
  });

  it('activates an eligible group with the keyboard only', async () => {
    await page.goto(portal.url);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    // Tab through the page until the on-call reason field has focus, as a keyboard user would.
    const reasonId = await page.getByLabel('Reason (required)').first().getAttribute('id');
    const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
    for (let i = 0; i < 40 && (await focused()) !== reasonId; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), reasonId, 'reachable by Tab');
    await page.keyboard.type('INC-9: checkout pods crash-looping');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown'); // 30m -> 1h
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.match((await page.evaluate('document.activeElement.textContent')) as string, /^Activate oncall$/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.flash.ok');
    const status = (await page.textContent('[role=status]')) ?? '';
    assert.match(status, /oncall is active until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(
      (await page.textContent('main')) ?? '',
      /cluster-wide:\s*everything/,
      'the new group shows at once',
    );
    await shoot('3-activated');
    audit.activated = (await axe(page)).map((v) => `${v.id} (${v.impact})`);
    assert.deepEqual(serious(await axe(page)), []);
  });

  it('sends the user to a stronger sign-in when the group needs MFA, then activates', async () => {
    await page.goto(portal.url);
    const form = page.locator('form', {
      has: page.getByRole('button', { name: `Activate ${demoPimGroups.mfa}` }),
    });
    await form.getByLabel('Reason (required)').fill('sev1 security incident');
    await form.getByRole('button').click();
    await page.waitForSelector('.flash.error');
    assert.match((await page.textContent('[role=status]')) ?? '', /needs a stronger sign-in/);
    await shoot('4-needs-mfa');
    await page.click('text=Sign in again, then activate');
    await signInOnEntra({ mfa: true });
    const again = page.locator('form', {
      has: page.getByRole('button', { name: `Activate ${demoPimGroups.mfa}` }),
    });
    await again.getByLabel('Reason (required)').fill('sev1 security incident');
    await again.getByRole('button').click();
    await page.waitForSelector('.flash');
    assert.match(
      (await page.textContent('[role=status]')) ?? '',
      new RegExp(`${demoPimGroups.mfa} is active`),
    );
  });

  it('downloads the kubeconfig kentra kubeconfig would write, for this user', async () => {
    await page.goto(portal.url);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a[href="/kubeconfig/test"]'),
    ]);
    const text = await readFile((await download.path()) as string, 'utf8');
    assert.equal(download.suggestedFilename(), 'test.kubeconfig');
    assert.match(text, new RegExp(`server: ${cluster.server}`));
    assert.match(text, /command: kentra/);
    assert.match(text, new RegExp(`- --login-hint\\n\\s+- ${entra.users.developer.upn.replace('.', '\\.')}`));
    assert.match(
      text,
      new RegExp(`- --client-id\\n\\s+- ${entra.clientId}`),
      'the cluster app, not the portal app',
    );
    assert.doesNotMatch(text, new RegExp(portal.clientId));
  });

  it('refuses posts without the CSRF token or from another origin', async () => {
    // The browser's cookies (the session), sent from outside the page: no CSP, no form in the way.
    const cookieHeader = (await context.cookies(portal.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(
          `${portal.url}${path}`,
          { method, ca: portal.caPem, headers: { cookie: cookieHeader, ...headers } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const post = (origin: string, data: string) =>
      call('POST', '/elevate', { origin, 'content-type': 'application/x-www-form-urlencoded' }, data);
    const group = entra.groups[demoPimGroups.approval] as string;
    const noToken = await post(portal.url, `group=${group}&duration=60&reason=x`);
    assert.equal(noToken.status, 403);
    assert.match(noToken.text, /CSRF check failed/);
    const page = await call('GET', '/');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    assert.ok(csrf.length > 20, 'the signed-in page carries a token');
    const elsewhere = await post('https://evil.example', `csrf=${csrf}&group=${group}&duration=60&reason=x`);
    assert.equal(elsewhere.status, 403, 'even with the token, from another origin');
    const requests = await entra.graph(
      `/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?$filter=groupId eq '${group}'`,
    );
    assert.deepEqual(requests.body.value, [], 'nothing reached PIM');
  });
});
