/**
 * Microsoft Graph on the emulator's origin (/v1.0 and /beta).
 */
import type { EmulatorContext } from '../context.js';
import { GraphFailure } from '../errors.js';
import type { Exchange } from '../http.js';

export async function graphHandler(
  _ctx: EmulatorContext,
  _ex: Exchange,
  _version: 'v1.0' | 'beta',
  path: string,
): Promise<void> {
  throw new GraphFailure(501, 'NotImplemented', `The emulator does not serve ${path} yet.`);
}
