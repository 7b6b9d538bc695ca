import {
  apiActivityEvent,
  authenticationEvent,
  elevationEvent,
  groupManagementEvent,
} from '../../domain/audit/ocsf.js';
import type { BufferedOutput } from './buffered-output.js';
import type { TrailWriter } from './trail-writer.js';

/**
 * `-o ocsf`: OCSF events as JSON lines. Each sign-in that a request was joined
 * to is written once, as Authentication (3002), before the first API Activity
 * (6003) it explains; group changes are Group Management (3006).
 */
export function ocsfWriter(out: BufferedOutput, productVersion: string): TrailWriter {
  const written = new Set<string>();
  return {
    request(record, signIn) {
      if (signIn) {
        const key = signIn.id ?? signIn.uniqueTokenIdentifier ?? `${signIn.userId}@${signIn.createdDateTime}`;
        if (!written.has(key)) {
          written.add(key);
          out.write(`${JSON.stringify(authenticationEvent(signIn, productVersion))}\n`);
        }
      }
      out.write(`${JSON.stringify(apiActivityEvent(record, productVersion))}\n`);
    },
    groupChange(change) {
      out.write(`${JSON.stringify(groupManagementEvent(change, productVersion))}\n`);
    },
    elevation(event) {
      out.write(`${JSON.stringify(elevationEvent(event, productVersion))}\n`);
    },
    end() {},
  };
}
