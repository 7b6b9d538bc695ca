/**
 * A `--browser-command` for the login e2e: signs the user named in
 * KENTRA_TEST_USER / KENTRA_TEST_PASSWORD in on the emulator's page with the
 * fast stand-in browser (answering the second-factor page with KENTRA_TEST_MFA_CODE
 * when one is set and asked for), and appends one line to KENTRA_TEST_BROWSER_LOG so the
 * test can count how many browsers were opened.
 *
 *   node --import tsx test/e2e/login-stand-in-browser.ts URL
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { StandInBrowser } from '../harness/emulator-browser.js';

const url = process.argv[2];
const {
  KENTRA_TEST_USER: username,
  KENTRA_TEST_PASSWORD: password,
  KENTRA_TEST_CA_FILE: caFile,
} = process.env;
if (!url || !username || !password || !caFile)
  throw new Error('usage: URL, with KENTRA_TEST_USER/PASSWORD/CA_FILE set');
appendFileSync(process.env.KENTRA_TEST_BROWSER_LOG ?? '/dev/null', `stand-in ${username}\n`);
const mfaCode = process.env.KENTRA_TEST_MFA_CODE;
await new StandInBrowser(readFileSync(caFile, 'utf8')).signIn(url, {
  username,
  password,
  ...(mfaCode ? { mfaCode } : {}),
});
