import type { BufferedOutput } from './buffered-output.js';
import type { TrailWriter } from './trail-writer.js';

/** `-o json`: one JSON object per line, one per audit event (plus group-change records). */
export function jsonLinesWriter(out: BufferedOutput): TrailWriter {
  return {
    request(record) {
      out.write(`${JSON.stringify(record)}\n`);
    },
    groupChange(change) {
      out.write(`${JSON.stringify(change)}\n`);
    },
    elevation(event) {
      out.write(`${JSON.stringify(event)}\n`);
    },
    end() {},
  };
}
