/**
 * Where text goes: stdout, stderr, a log. A port shared by every layer that
 * writes (commands, use cases, the audit output, the webhook's log), so none of
 * them depends on another's module for it; the process wires the real streams
 * (src/cli/context.ts) and tests pass a string collector.
 */
export interface TextSink {
  write(text: string): void;
}
