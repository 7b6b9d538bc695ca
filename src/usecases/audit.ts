/**
 * `kentra audit`: Kubernetes audit events joined with the Entra sign-ins that
 * issued their tokens, streamed into one trail. The sign-in log is loaded and
 * indexed first (it is small); audit events then stream past it line by line,
 * so memory stays flat however large the audit log is.
 */
import { type AuditLogSource, auditLogSources, followFile } from '../adapters/audit/audit-log-sources.js';
import { BufferedOutput } from '../adapters/audit/buffered-output.js';
import { splitLines } from '../adapters/audit/line-splitter.js';
import { htmlWriter } from '../adapters/audit/render-html.js';
import { jsonLinesWriter } from '../adapters/audit/render-json-lines.js';
import { ocsfWriter } from '../adapters/audit/render-ocsf.js';
import { tableWriter } from '../adapters/audit/render-table.js';
import { type SignInSource, signInFiles } from '../adapters/audit/sign-in-files.js';
import type { TrailSummary, TrailWriter } from '../adapters/audit/trail-writer.js';
import type { TextSink } from '../cli/context.js';
import type { ClaimMappings } from '../domain/audit/claim-mappings.js';
import { type GroupChange, groupChangeFrom } from '../domain/audit/group-change.js';
import type { JoinOptions } from '../domain/audit/join.js';
import { isK8sAuditEvent } from '../domain/audit/k8s-event.js';
import { SignInIndex } from '../domain/audit/sign-in-index.js';
import {
  inTimeRange,
  matchesGroupChange,
  matchesRequest,
  type TrailFilter,
} from '../domain/audit/trail-filter.js';
import { buildTrail, type TrailContext } from '../domain/audit/trail-record.js';
import { KentraError } from '../errors.js';

export type AuditOutput = 'table' | 'json' | 'ocsf' | 'html';

export interface AuditRequest {
  /** `--k8s-audit` values: files, folders of rotated logs, `-` for stdin. */
  auditPaths: readonly string[];
  /** `--signins` / `--directory-audits` values: exported JSON files, or `graph`. */
  signInPaths: readonly string[];
  output: AuditOutput;
  mappings: ClaimMappings;
  join: JoinOptions;
  filter: TrailFilter;
  follow: boolean;
}

export interface AuditDeps {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  now: () => number;
  interrupted: Promise<unknown>;
  /** Colour in the table (a terminal, NO_COLOR unset). */
  colour: boolean;
  productVersion: string;
  /** The Graph sign-in source, once a Graph client exists (see docs/audit.md). */
  graphSignIns?: () => SignInSource;
}

/** At most this many corrupt lines are described on stderr; all are counted. */
const maxReportedProblems = 20;

export async function runAudit(request: AuditRequest, deps: AuditDeps): Promise<TrailSummary> {
  const problems = problemReporter(deps.stderr);
  const index = new SignInIndex();
  const groupNames = new Map<string, string>();
  const changes: GroupChange[] = [];
  for (const source of signInSources(request.signInPaths, deps)) {
    await source.load({
      signIn: (signIn) => index.add(signIn),
      directoryAudit: (audit) => {
        const change = groupChangeFrom(audit);
        if (!change) return;
        changes.push(change);
        if (change.group.id && change.group.displayName)
          groupNames.set(change.group.id, change.group.displayName);
      },
      skipped: (where, line, why) => problems.report(where, line, why),
    });
  }
  changes.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));

  const sources = await auditLogSources(request.auditPaths, { stdin: deps.stdin, cwd: deps.cwd });
  const followed = request.follow ? followTarget(sources) : undefined;
  const out = new BufferedOutput(deps.stdout);
  const writer = writerFor(request.output, out, deps);
  const context: TrailContext = {
    index,
    mappings: request.mappings,
    join: request.join,
    groupName: (id) => groupNames.get(id),
  };
  const summary: TrailSummary = {
    events: 0,
    written: 0,
    skipped: 0,
    joins: { uti: 0, sid: 0, heuristic: 0, none: 0 },
    groupChanges: 0,
  };
  const filter = request.filter;
  const timeBounded = filter.since !== undefined || filter.until !== undefined;
  let nextChange = 0;
  const emitChangesUntil = (time: number) => {
    while (nextChange < changes.length) {
      const change = changes[nextChange] as GroupChange;
      if (!(Date.parse(change.time) <= time)) break;
      nextChange++;
      if (!matchesGroupChange(change, filter)) continue;
      writer.groupChange(change);
      summary.written++;
      summary.groupChanges++;
    }
  };

  let stop = false;
  void deps.interrupted.then(() => {
    stop = true;
  });
  for (const source of sources) {
    if (stop) break;
    const chunks = source === followed ? followFile(source.name, 0, deps.interrupted) : source.chunks();
    try {
      const result = await splitLines(chunks, {
        onLine(text, number) {
          let event: unknown;
          try {
            event = JSON.parse(text);
          } catch (error) {
            problems.report(source.name, number, `corrupt or truncated line (${(error as Error).message})`);
            return;
          }
          if (!isK8sAuditEvent(event)) {
            problems.report(source.name, number, 'not an audit.k8s.io Event');
            return;
          }
          summary.events++;
          const time = Date.parse(event.requestReceivedTimestamp ?? event.stageTimestamp ?? '');
          if (nextChange < changes.length) emitChangesUntil(time);
          if (timeBounded && !inTimeRange(filter, time)) return;
          const { record, signIn } = buildTrail(event, context);
          if (!matchesRequest(record, filter)) return;
          summary.written++;
          summary.joins[record.join.method]++;
          writer.request(record, signIn);
        },
        onOverlong: (number) => problems.report(source.name, number, 'line longer than 64 MiB'),
        afterChunk: () => {
          if (stop && source !== followed) throw new Interrupted();
          return out.drained();
        },
      });
      if (result.rest.trim() !== '') {
        // The file ends inside a line: a truncated write (or a log still being written).
        try {
          JSON.parse(result.rest);
          problems.report(source.name, result.lines + 1, 'last line has no newline; read anyway');
          problems.uncount();
        } catch {
          problems.report(source.name, result.lines + 1, 'truncated last line');
        }
      }
    } catch (error) {
      if (error instanceof Interrupted) break;
      // A damaged gzip member or an unreadable file ends that source, not the run.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        code === 'Z_DATA_ERROR' ||
        code === 'Z_BUF_ERROR' ||
        (error as Error).message === 'unexpected end of file'
      )
        problems.report(
          source.name,
          undefined,
          `compressed data is damaged (${(error as Error).message}); rest of file skipped`,
        );
      else
        throw new KentraError('io.read', `${source.name}: reading failed (${(error as Error).message})`, {
          cause: error,
          hint: 'Check that the file is readable; other files were read up to this point.',
        });
    }
  }
  if (!stop) emitChangesUntil(Number.POSITIVE_INFINITY);
  summary.skipped = problems.count();
  writer.end(summary);
  out.flush();
  await out.drained();
  deps.stderr.write(summaryText(summary, request, stop));
  return summary;
}

class Interrupted extends Error {}

function signInSources(paths: readonly string[], deps: AuditDeps): SignInSource[] {
  const files = paths.filter((path) => path !== 'graph');
  const sources = files.length > 0 ? [signInFiles(files, deps.cwd)] : [];
  if (paths.includes('graph')) {
    if (!deps.graphSignIns)
      throw new KentraError(
        'usage',
        '--signins graph: reading sign-ins from Microsoft Graph is not available yet',
        {
          hint: 'Export them (GET /auditLogs/signIns and /auditLogs/directoryAudits, JSON) and pass the files: --signins signins.json',
        },
      );
    sources.push(deps.graphSignIns());
  }
  return sources;
}

function followTarget(sources: readonly AuditLogSource[]): AuditLogSource | undefined {
  const last = sources[sources.length - 1];
  if (!last) return undefined;
  if (last.name === 'stdin') return undefined; // stdin follows by itself until it is closed
  if (!last.followable)
    throw new KentraError('usage', `--follow: ${last.name} is compressed and cannot grow`, {
      hint: 'Follow the live log (kube-apiserver --audit-log-path), not a rotated .gz file.',
    });
  return last;
}

function writerFor(output: AuditOutput, out: BufferedOutput, deps: AuditDeps): TrailWriter {
  switch (output) {
    case 'json':
      return jsonLinesWriter(out);
    case 'ocsf':
      return ocsfWriter(out, deps.productVersion);
    case 'html':
      return htmlWriter(out, new Date(deps.now()).toISOString());
    default:
      return tableWriter(out, { colour: deps.colour });
  }
}

interface ProblemReporter {
  report(where: string, line: number | undefined, why: string): void;
  /** Takes back the last count (a notice that skipped nothing). */
  uncount(): void;
  count(): number;
}

function problemReporter(stderr: TextSink): ProblemReporter {
  let count = 0;
  return {
    report(where, line, why) {
      count++;
      if (count <= maxReportedProblems)
        stderr.write(`kentra audit: ${where}${line === undefined ? '' : `:${line}`}: ${why}\n`);
      else if (count === maxReportedProblems + 1)
        stderr.write('kentra audit: more problems follow; only their count is reported\n');
    },
    uncount() {
      count--;
    },
    count: () => count,
  };
}

function summaryText(summary: TrailSummary, request: AuditRequest, interrupted: boolean): string {
  const j = summary.joins;
  const requests = summary.written - summary.groupChanges;
  let text =
    `kentra audit: ${summary.events} audit events read, ${requests} shown` +
    (summary.groupChanges > 0 ? ` and ${summary.groupChanges} group changes` : '') +
    `; sign-in joined exactly for ${j.uti + j.sid} (uti ${j.uti}, sid ${j.sid}), by heuristic for ${j.heuristic}, not joined ${j.none}` +
    `; ${summary.skipped} lines skipped${interrupted ? '; interrupted' : ''}\n`;
  if (j.heuristic > 0 && j.uti + j.sid === 0)
    text +=
      `kentra audit: no audit event carried a token id in user.extra["${request.mappings.utiExtraKey}"] or ` +
      `["${request.mappings.sidExtraKey}"], so sign-ins were joined by heuristic (oid + time window + IP + app) ` +
      'with the confidence shown. For exact joins, map claims.uti and claims.sid into these extra keys in the ' +
      "API server's AuthenticationConfiguration (see docs/audit.md).\n";
  return text;
}
