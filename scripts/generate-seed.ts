/**
 * Writes a generated tenant (src/emulator/seed-generator.ts) as a JSON seed file
 * for `kentra emulator --seed`:
 *
 *   node --import tsx scripts/generate-seed.ts --users 100000 --groups 20000 \
 *     --memberships 1000000 --nesting 3 > /tmp/tenant.json
 */
import { parseArgs } from 'node:util';
import { generateSeed } from '../src/emulator/seed-generator.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    groups: { type: 'string', default: '200' },
    memberships: { type: 'string', default: '10000' },
    nesting: { type: 'string', default: '2' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
};
const seed = generateSeed({
  users: number('users'),
  groups: number('groups'),
  memberships: number('memberships'),
  nestingDepth: number('nesting'),
});
process.stdout.write(JSON.stringify(seed));
