/**
 * Loads test/fixtures/access/claim-cases.yaml: the access file, and each case
 * as a full claims object (times added now) with its expected outcome.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AccessFile } from '../../src/domain/access/model.js';
import { parseAccessFile } from '../../src/domain/access/parse.js';

export interface ExpectedUser {
  username?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ClaimCase {
  name: string;
  claims: Record<string, unknown>;
  expect: 'reject' | ExpectedUser;
}

interface RawTable {
  access: Record<string, unknown>;
  base: Record<string, unknown>;
  cases: {
    name: string;
    claims?: Record<string, unknown>;
    lifetime?: number;
    expect: 'reject' | ExpectedUser;
  }[];
}

const raw = parse(
  readFileSync(new URL('../fixtures/access/claim-cases.yaml', import.meta.url), 'utf8'),
) as RawTable;

/** The table's access file; `authority` replaces the tenant's sign-in host (the test issuer). */
export function claimTableAccess(authority?: string): AccessFile {
  const tenant = { ...(raw.access.tenant as Record<string, unknown>), ...(authority ? { authority } : {}) };
  const parsed = parseAccessFile({ ...raw.access, tenant });
  if (!parsed.file) throw new Error(`claim table access file is invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.file;
}

/** Every case with iss, aud and times filled in for `file`. */
export function claimCases(file: AccessFile, nowSeconds = Math.floor(Date.now() / 1000)): ClaimCase[] {
  return raw.cases.map((entry) => {
    const iat = nowSeconds - 60;
    const claims: Record<string, unknown> = {
      iss: file.tenant.issuer,
      aud: file.app.clientId,
      iat,
      nbf: iat,
      exp: iat + (entry.lifetime ?? 3600),
      ...raw.base,
    };
    for (const [key, value] of Object.entries(entry.claims ?? {})) {
      if (value === null) delete claims[key];
      else claims[key] = value;
    }
    return { name: entry.name, claims, expect: entry.expect };
  });
}
