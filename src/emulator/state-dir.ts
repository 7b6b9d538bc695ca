/**
 * The emulator's state folder: its CA (reused on restart so clients that
 * trust it keep working) and, through SigningKeys, the signing keys.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  loadCertificateAuthority,
} from '../adapters/pki.js';
import { KentraError } from '../errors.js';

export interface StateFiles {
  caFile: string;
  caKeyFile: string;
}

export function stateFiles(stateDir: string): StateFiles {
  return { caFile: join(stateDir, 'ca.pem'), caKeyFile: join(stateDir, 'ca-key.pem') };
}

export async function openCertificateAuthority(stateDir: string): Promise<CertificateAuthority> {
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new KentraError('io.write', `cannot create the emulator state folder ${stateDir}`, {
      cause: error,
      hint: 'Pass --state-dir with a folder you can write to.',
    });
  }
  const files = stateFiles(stateDir);
  const [certPem, keyPem] = await Promise.all([
    readFile(files.caFile, 'utf8').catch(() => undefined),
    readFile(files.caKeyFile, 'utf8').catch(() => undefined),
  ]);
  if (certPem && keyPem) {
    try {
      return await loadCertificateAuthority({ certPem, keyPem });
    } catch (error) {
      throw new KentraError('config.invalid', `the emulator CA in ${stateDir} cannot be read`, {
        cause: error,
        hint: `Delete ${files.caFile} and ${files.caKeyFile} to generate a new CA (clients must then trust the new one).`,
      });
    }
  }
  const ca = await createCertificateAuthority('kentra emulator CA', 3650);
  await writeFile(files.caKeyFile, ca.keyPem, { mode: 0o600 });
  await writeFile(files.caFile, ca.certPem, { mode: 0o644 });
  return ca;
}
