/**
 * The shared test world: the control plane that test/run.ts starts once per
 * test run and hands to every test file through KENTRA_TEST_WORLD. A test file
 * run on its own (node --test FILE) starts a private one instead.
 */
import { readFile } from 'node:fs/promises';
import {
  attachControlPlane,
  type ControlPlane,
  type ControlPlaneDescriptor,
  startControlPlane,
} from './control-plane.js';

export interface WorldDescriptor {
  controlPlane: ControlPlaneDescriptor;
}

export const worldEnvVar = 'KENTRA_TEST_WORLD';

let shared: Promise<ControlPlane> | undefined;

export function sharedControlPlane(): Promise<ControlPlane> {
  shared ??= (async () => {
    const path = process.env[worldEnvVar];
    if (path) {
      const world = JSON.parse(await readFile(path, 'utf8')) as WorldDescriptor;
      return attachControlPlane(world.controlPlane);
    }
    const own = await startControlPlane();
    process.once('beforeExit', () => void own.stop());
    return own;
  })();
  return shared;
}
