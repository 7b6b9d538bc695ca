/**
 * Cost of kentra's own claim mapping + policy evaluation (the code the
 * TokenReview webhook shares with the rendered AuthenticationConfiguration),
 * as a ratio against JSON.parse of the same token payload measured in the
 * same run: every review decodes the payload anyway, so a ratio near or
 * above 1 means the mapping is not what limits the webhook.
 *
 *   node --import tsx bench/claim-mapping.ts [--seconds 2]
 */
import { authenticateClaims } from '../src/domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../src/domain/identity/from-access-file.js';
import { claimCases, claimTableAccess } from '../test/helpers/claim-table.js';

const args = process.argv.slice(2);
const seconds = Number(args.includes('--seconds') ? args[args.indexOf('--seconds') + 1] : 2);

const file = claimTableAccess('https://issuer.bench');
const authenticator = authenticatorFromAccessFile(file, file.app.clientId ?? '');
const cases = claimCases(file);
const payloads = cases.map((entry) => JSON.stringify(entry.claims));
const claims = cases.map((entry) => entry.claims);

/** Operations per second of `op` over the case table, for about `seconds`. */
function rate(op: (i: number) => unknown): number {
  let sink = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) if (op(i % cases.length)) sink++;
    done += 1000;
  }
  if (sink < 0) console.log(sink);
  return done / ((performance.now() - started) / 1000);
}

rate((i) => authenticateClaims(authenticator, claims[i] ?? {}).authenticated); // warm up
const baseline = rate((i) => JSON.parse(payloads[i] ?? '{}'));
const mapping = rate((i) => authenticateClaims(authenticator, claims[i] ?? {}).authenticated);
console.log(`JSON.parse of a token payload (baseline): ${Math.round(baseline).toLocaleString('en')} ops/s`);
console.log(
  `authenticateClaims (mapping + ${authenticator.rules.length} policy rules): ${Math.round(mapping).toLocaleString('en')} ops/s`,
);
console.log(`ratio mapping / baseline: ${(mapping / baseline).toFixed(2)}`);
