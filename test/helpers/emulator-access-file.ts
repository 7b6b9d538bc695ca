/**
 * An access file (kentra.yaml) for the emulator's demo tenant: its tenant,
 * authority, Graph and CA, the kentra app, and the clusters, policy and rules
 * a test names. Returned as YAML text.
 */
import { stringify } from 'yaml';
import type { EmulatorHandle } from '../harness/emulator.js';

export function emulatorAccessFile(
  entra: EmulatorHandle,
  parts: {
    clusters: Record<string, unknown>[];
    rules: Record<string, unknown>[];
    policy?: Record<string, unknown>;
  },
): string {
  return stringify({
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: {
      id: entra.tenantId,
      authority: entra.url,
      graph: entra.url,
      certificateAuthorityFile: entra.caFile,
    },
    app: { name: 'kentra', clientId: entra.clientId, tokenVersion: 2 },
    clusters: parts.clusters,
    ...(parts.policy ? { policy: parts.policy } : {}),
    rules: parts.rules,
  });
}
