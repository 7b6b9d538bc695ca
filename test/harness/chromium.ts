/**
 * Debian's Chromium, driven by playwright-core, the one way tests open a real
 * browser. The flags keep it off the network (this machine has none beyond
 * loopback) and quiet; a browser download is never attempted.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.KENTRA_CHROMIUM ?? '/usr/bin/chromium';

/** base64 SHA-256 of a certificate's public key, as `--ignore-certificate-errors-spki-list` wants it. */
export function spkiHash(certPem: string): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/**
 * Launches headless Chromium. `trustCaPem` pins one CA's key (the emulator's):
 * certificates it signed are accepted and every other certificate error still fails.
 */
export async function launchChromium(
  options: { trustCaPem?: string; trustSpki?: string } = {},
): Promise<Browser> {
  // Fail in seconds with the reason, never by waiting out a sign-in no browser can finish.
  if (!existsSync(chromiumPath))
    throw new Error(
      `Chromium is not at ${chromiumPath}: \`npm test\` installs it when run as root with apt-get; ` +
        'otherwise run `apt-get install -y chromium` as root, or set KENTRA_CHROMIUM to its path.',
    );
  const spki = options.trustSpki ?? (options.trustCaPem ? spkiHash(options.trustCaPem) : undefined);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // playwright's default is 180 s; a healthy headless Chromium starts in a few seconds even here.
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      ...(spki ? [`--ignore-certificate-errors-spki-list=${spki}`] : []),
    ],
  });
}
