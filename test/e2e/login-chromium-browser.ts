/**
 * A `--browser-command` for the login e2e that drives the real headless
 * Chromium through the emulator's sign-in page, exactly as a person would
 * (Entra's field names loginfmt / passwd and button idSIButton9), then waits
 * for the loopback listener's answer: kentra's "Signed in" page, or msal-node's
 * own "Auth code was successfully acquired" (@azure/identity's browser sign-in,
 * which opens this script through xdg-open's $BROWSER).
 *
 *   node --import tsx test/e2e/login-chromium-browser.ts URL
 */
import { appendFileSync } from 'node:fs';
import { launchChromium } from '../harness/chromium.js';

const url = process.argv[2];
const { KENTRA_TEST_USER: username, KENTRA_TEST_PASSWORD: password, KENTRA_TEST_CA_SPKI: spki } = process.env;
if (!url || !username || !password || !spki)
  throw new Error('usage: URL, with KENTRA_TEST_USER/PASSWORD/CA_SPKI set');
appendFileSync(process.env.KENTRA_TEST_BROWSER_LOG ?? '/dev/null', `chromium ${username}\n`);
const browser = await launchChromium({ trustSpki: spki });
try {
  const page = await browser.newPage();
  await page.goto(url);
  // With a login_hint the page starts at the password (as Entra's does); otherwise it asks for the name first.
  const first = await page.waitForSelector(
    'input[name="passwd"], input[name="loginfmt"]:not([type="hidden"])',
  );
  if ((await first.getAttribute('name')) === 'loginfmt') {
    await first.fill(username);
    await page.click('#idSIButton9');
  }
  await page.fill('input[name="passwd"]', password);
  await page.click('#idSIButton9');
  await page
    .getByText(/^(Signed in|Auth code was successfully acquired\b.*)$/)
    .first()
    .waitFor({ timeout: 60_000 });
} finally {
  await browser.close();
}
