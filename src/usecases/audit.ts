/**
 * `kentra audit`: Kubernetes audit events joined with the Entra sign-ins that
 * issued their tokens, streamed into one trail. The sign-in log is loaded and
 * indexed first (it is small); audit events then stream past it line by line,
 * so memory stays flat however large the audit log is.
 */

import { resolve } from 'node:path';
import { type AuditLogSource, auditLogSources, followFile } from '../adapters/audit/audit-log-sources.js';
import { BufferedOutput } from '../adapters/audit/buffered-output.js';
import { graphSignIns } from '../adapters/audit/graph-sign-ins.js';
import { defaultMaxLineChars, splitLines } from '../adapters/audit/line-splitter.js';
import { htmlWriter } from '../adapters/audit/render-html.js';
import { jsonLinesWriter } from '../adapters/audit/render-json-lines.js';
import { ocsfWriter } from '../adapters/audit/render-ocsf.js';
import { tableWriter } from '../adapters/audit/render-table.js';
import { type SignInSource, signInFiles } from '../adapters/audit/sign-in-files.js';
import type { TrailSummary, TrailWriter } from '../adapters/audit/trail-writer.js';
import type { GraphAccess } from '../adapters/graph/open-graph.js';
import { displayValue } from '../adapters/render/terminal-text.js';
import { accessFileAppIds } from '../domain/access/cluster-apps.js';
import {
  type ClaimMappings,
  claimMappingsFromIdentity,
  defaultClaimMappings,
} from '../domain/audit/claim-mappings.js';
import {
  type ElevationEvent,
  ElevationIndex,
  elevationFrom,
  enrichElevations,
  type ScheduleRequestRecord,
} from '../domain/audit/elevation.js';
import { type GroupChange, groupChangeFrom } from '../domain/audit/group-change.js';
import { defaultJoinOptions, type JoinOptions } from '../domain/audit/join.js';
import { auditEventFrom } from '../domain/audit/k8s-event.js';
import { SignInIndex } from '../domain/audit/sign-in-index.js';
import {
  inTimeRange,
  matchesElevation,
  matchesGroupChange,
  matchesRequest,
  type TrailFilter,
} from '../domain/audit/trail-filter.js';
import { buildTrail, type TrailContext } from '../domain/audit/trail-record.js';
import { KentraError } from '../errors.js';
import type { TextSink } from '../ports/text-sink.js';
import { type LoadedAccessFile, loadAccessFile } from './load-access.js';

export type AuditOutput = 'table' | 'json' | 'ocsf' | 'html';

export interface AuditRequest {
  /** `--k8s-audit` values: files, folders of rotated logs, `-` for stdin. */
  auditPaths: readonly string[];
  /** `--signins` / `--directory-audits` values: exported JSON files, or `graph`. */
  signInPaths: readonly string[];
  output: AuditOutput;
  /** kentra.yaml to learn claim mappings, app ids, token lifetime and Graph from; else ./kentra.yaml if present. */
  accessPath?: string;
  /** Command-line values; they win over the access file, which wins over kentra's defaults. */
  mappings: Partial<ClaimMappings>;
  join: Partial<JoinOptions>;
  filter: TrailFilter;
  follow: boolean;
  /** Longest audit line read, in characters (default 1 MiB); longer ones are skipped as FILE:LINE. */
  maxLineChars?: number;
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
  /** Show a progress line on stderr (a terminal) while reading large logs. */
  progress: boolean;
  productVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  readText: (path: string) => Promise<string>;
  /** The one Graph access (--graph-auth), for the access file's tenant when there is one. */
  openGraph: (access: LoadedAccessFile | undefined) => Promise<GraphAccess | undefined>;
}

/** What the run works with once flags, the access file and defaults are combined. */
interface Settings {
  mappings: ClaimMappings;
  join: JoinOptions;
  access?: LoadedAccessFile;
}

/** At most this many corrupt lines are described on stderr; all are counted. */
const maxReportedProblems = 20;

export async function runAudit(request: AuditRequest, deps: AuditDeps): Promise<TrailSummary> {
  const settings = await resolveSettings(request, deps);
  const progress = progressLine(deps);
  const problems = problemReporter(deps.stderr, progress.clear);
  const { index, changes, elevations, groupNames } = await loadSignInLog(request, settings, deps, problems);
  const windows = new ElevationIndex(elevations);

  const sources = await auditLogSources(request.auditPaths, { stdin: deps.stdin, cwd: deps.cwd });
  const followed = request.follow ? followTarget(sources) : undefined;
  const out = new BufferedOutput(deps.stdout);
  const writer = writerFor(request.output, out, deps);
  const summary: TrailSummary = {
    events: 0,
    written: 0,
    skipped: 0,
    joins: { uti: 0, sid: 0, heuristic: 0, none: 0 },
    groupChanges: 0,
    elevations: 0,
  };
  const groupChanges = directoryEventStream(changes, elevations, request.filter, writer, summary);
  const handleLine = lineHandler(
    {
      index,
      mappings: settings.mappings,
      join: settings.join,
      groupName: (id) => groupNames.get(id),
      ...(windows.size > 0 ? { elevation: (member, group, time) => windows.at(member, group, time) } : {}),
    },
    { filter: request.filter, writer, summary, problems, groupChanges },
  );
  const maxLineChars = request.maxLineChars ?? defaultMaxLineChars;
  let stop = false;
  void deps.interrupted.then(() => {
    stop = true;
  });
  for (const source of sources) {
    if (stop) break;
    const live = source === followed;
    const chunks = live ? followFile(source.followable ?? source.name, 0, deps.interrupted) : source.chunks();
    try {
      const result = await splitLines(chunks, {
        onLine: (text, number) => handleLine(source, text, number),
        maxLineChars,
        onOverlong: (number) =>
          problems.report(source.name, number, `skipped: line longer than ${sizeText(maxLineChars)}`),
        afterChunk: () => {
          if (stop && !live) throw new Interrupted();
          progress.show(`${summary.events} audit events read (${source.name})`);
          // A live trail shows each record as soon as its chunk is read.
          if (live) out.flush();
          return out.drained();
        },
      });
      // A file that ends inside a line: a truncated write, or a last line without its newline.
      if (result.rest.trim() !== '') handleLine(source, result.rest, result.lines + 1);
    } catch (error) {
      if (error instanceof Interrupted) break;
      reportSourceFailure(error, source, problems);
    }
  }
  if (!stop) groupChanges.emitUntil(Number.POSITIVE_INFINITY);
  progress.clear();
  summary.skipped = problems.count();
  writer.end(summary);
  out.flush();
  await out.drained();
  deps.stderr.write(summaryText(summary, settings.mappings, stop));
  if (index.size === 0 && summary.joins.none > 0)
    deps.stderr.write(
      request.signInPaths.length === 0
        ? 'kentra audit: no sign-in log given (--signins FILE|graph): requests are shown without their sign-ins\n'
        : 'kentra audit: the sign-in log holds no successful sign-ins: requests are shown without their sign-ins\n',
    );
  return summary;
}

/** A progress line on a terminal's stderr, at most once a second, rewritten in place. */
function progressLine(deps: AuditDeps): { show(text: string): void; clear(): void } {
  let shown = false;
  let last = deps.now();
  return {
    show: (text) => {
      if (!deps.progress || deps.now() - last < 1000) return;
      last = deps.now();
      deps.stderr.write(`\rkentra audit: ${text}\u001b[K`);
      shown = true;
    },
    clear: () => {
      if (!shown) return;
      deps.stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}

interface GroupChangeStream {
  /** Writes the directory events up to `time` (they interleave with requests by time). */
  emitUntil(time: number): void;
  readonly pending: boolean;
}

/** Group changes and elevation steps, in time order, each written when the requests reach its time. */
function directoryEventStream(
  changes: readonly GroupChange[],
  elevations: readonly ElevationEvent[],
  filter: TrailFilter,
  writer: TrailWriter,
  summary: TrailSummary,
): GroupChangeStream {
  const events = [
    ...changes.map((change) => ({ time: Date.parse(change.time), change })),
    ...elevations.map((elevation) => ({ time: Date.parse(elevation.time), elevation })),
  ].sort((a, b) => a.time - b.time);
  let next = 0;
  return {
    get pending() {
      return next < events.length;
    },
    emitUntil: (time) => {
      while (next < events.length) {
        const event = events[next] as (typeof events)[number];
        if (!(event.time <= time)) break;
        next++;
        if ('change' in event) {
          if (!matchesGroupChange(event.change, filter)) continue;
          writer.groupChange(event.change);
          summary.groupChanges++;
        } else {
          if (!matchesElevation(event.elevation, filter)) continue;
          writer.elevation(event.elevation);
          summary.elevations++;
        }
        summary.written++;
      }
    },
  };
}

/** One audit log line: parsed, joined, filtered, written; or reported as FILE:LINE and skipped. */
function lineHandler(
  context: TrailContext,
  run: {
    filter: TrailFilter;
    writer: TrailWriter;
    summary: TrailSummary;
    problems: ProblemReporter;
    groupChanges: GroupChangeStream;
  },
): (from: AuditLogSource, text: string, number: number) => void {
  const { filter, writer, summary, problems, groupChanges } = run;
  const timeBounded = filter.since !== undefined || filter.until !== undefined;
  return (from, text, number) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      problems.report(from.name, number, `corrupt or truncated line (${(error as Error).message})`);
      return;
    }
    const event = auditEventFrom(parsed);
    if (!event) {
      problems.report(from.name, number, 'not an audit.k8s.io Event');
      return;
    }
    summary.events++;
    const time = Date.parse(event.requestReceivedTimestamp ?? event.stageTimestamp ?? '');
    if (groupChanges.pending) groupChanges.emitUntil(time);
    if (timeBounded && !inTimeRange(filter, time)) return;
    const { record, signIn } = buildTrail(event, context);
    if (!matchesRequest(record, filter)) return;
    summary.written++;
    summary.joins[record.join.method]++;
    writer.request(record, signIn);
  };
}

/** A damaged gzip member ends that source, not the run; any other read failure ends the run. */
function reportSourceFailure(error: unknown, source: AuditLogSource, problems: ProblemReporter): void {
  const code = (error as NodeJS.ErrnoException).code;
  // Only the stream's own failures are read errors; a fault in processing a line is a bug, not "reading failed".
  if (typeof code !== 'string') throw error;
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

class Interrupted extends Error {}

interface SignInLog {
  index: SignInIndex;
  /** Group-membership changes, oldest first. */
  changes: GroupChange[];
  /** PIM elevation steps, enriched from the schedule requests. */
  elevations: ElevationEvent[];
  /** Entra group display names by object id, learnt from the directory audits. */
  groupNames: Map<string, string>;
}

async function loadSignInLog(
  request: AuditRequest,
  settings: Settings,
  deps: AuditDeps,
  problems: ProblemReporter,
): Promise<SignInLog> {
  const index = new SignInIndex();
  const groupNames = new Map<string, string>();
  const changes: GroupChange[] = [];
  const elevations: ElevationEvent[] = [];
  const requests: ScheduleRequestRecord[] = [];
  for (const source of await signInSources(request, settings, deps)) {
    await source.load({
      signIn: (signIn) => index.add(signIn),
      scheduleRequest: (scheduled) => requests.push(scheduled),
      directoryAudit: (audit) => {
        const elevation = elevationFrom(audit);
        if (elevation) {
          elevations.push(elevation);
          if (elevation.group.id && elevation.group.displayName)
            groupNames.set(elevation.group.id, elevation.group.displayName);
          return;
        }
        const change = groupChangeFrom(audit);
        if (!change) return;
        changes.push(change);
        if (change.group.id && change.group.displayName)
          groupNames.set(change.group.id, change.group.displayName);
      },
      group: (group) => groupNames.set(group.id, group.displayName),
      skipped: (where, line, why) => problems.report(where, line, why),
    });
  }
  changes.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  enrichElevations(elevations, requests);
  return { index, changes, elevations, groupNames };
}

async function resolveSettings(request: AuditRequest, deps: AuditDeps): Promise<Settings> {
  let access: LoadedAccessFile | undefined;
  if (request.accessPath !== undefined) {
    access = await loadAccessFile(resolve(deps.cwd, request.accessPath), deps.readText);
  } else {
    // Like every kentra command, use ./kentra.yaml when it is there; audit also works without one.
    const implicit = resolve(deps.cwd, 'kentra.yaml');
    const present = await deps.readText(implicit).then(
      () => true,
      () => false,
    );
    if (present) {
      access = await loadAccessFile(implicit, deps.readText);
      deps.stderr.write('kentra audit: claim mappings from ./kentra.yaml\n');
    }
  }
  const file = access?.file;
  const mappings: ClaimMappings = {
    ...(file ? claimMappingsFromIdentity(file.identity) : defaultClaimMappings),
    ...definedOnly(request.mappings),
  };
  const maxTokenAge = file?.policy.maxTokenAgeSeconds;
  const appIds = file ? [...accessFileAppIds(file), ...file.app.audiences] : [];
  const join: JoinOptions = {
    windowMs:
      request.join.windowMs ?? (maxTokenAge !== undefined ? maxTokenAge * 1000 : defaultJoinOptions.windowMs),
    skewMs: request.join.skewMs ?? defaultJoinOptions.skewMs,
    appIds: request.join.appIds && request.join.appIds.length > 0 ? request.join.appIds : appIds,
  };
  return access ? { mappings, join, access } : { mappings, join };
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function signInSources(
  request: AuditRequest,
  settings: Settings,
  deps: AuditDeps,
): Promise<SignInSource[]> {
  const paths = request.signInPaths;
  const files = paths.filter((path) => path !== 'graph');
  const sources = files.length > 0 ? [signInFiles(files, deps.cwd)] : [];
  if (paths.includes('graph')) sources.push(await graphSource(request, settings, deps));
  return sources;
}

async function graphSource(
  request: AuditRequest,
  settings: Settings,
  deps: AuditDeps,
): Promise<SignInSource> {
  const graph = await deps.openGraph(settings.access);
  if (!graph)
    throw new KentraError('usage', '--signins graph needs a Microsoft Graph sign-in, and none was found', {
      hint:
        'Choose one with --graph-auth (azure-cli, device-code, client-secret, managed-identity, ...; docs/graph-auth.md): ' +
        'the identity needs AuditLog.Read.All. Or pass exported JSON files to --signins.',
    });
  const progress = (line: string) => deps.stderr.write(`kentra audit: ${line}\n`);
  const since =
    request.filter.since === undefined ? undefined : request.filter.since - settings.join.windowMs;
  const until = request.filter.until === undefined ? undefined : request.filter.until + settings.join.skewMs;
  return graphSignIns({ v1: graph.client('v1.0'), beta: graph.client('beta'), since, until, progress });
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
  count(): number;
}

function problemReporter(stderr: TextSink, beforeWrite: () => void): ProblemReporter {
  let count = 0;
  return {
    report(where, line, why) {
      count++;
      if (count <= maxReportedProblems + 1) beforeWrite();
      if (count <= maxReportedProblems)
        stderr.write(
          `kentra audit: ${displayValue(`${where}${line === undefined ? '' : `:${line}`}: ${why}`)}\n`,
        );
      else if (count === maxReportedProblems + 1)
        stderr.write('kentra audit: more problems follow; only their count is reported\n');
    },
    count: () => count,
  };
}

function summaryText(summary: TrailSummary, mappings: ClaimMappings, interrupted: boolean): string {
  const j = summary.joins;
  const requests = summary.written - summary.groupChanges - summary.elevations;
  let text =
    `kentra audit: ${summary.events} audit events read, ${requests} shown` +
    (summary.groupChanges > 0 ? ` and ${summary.groupChanges} group changes` : '') +
    (summary.elevations > 0 ? ` and ${summary.elevations} elevation steps` : '') +
    `; sign-in joined exactly for ${j.uti + j.sid} (uti ${j.uti}, sid ${j.sid}), by heuristic for ${j.heuristic}, not joined ${j.none}` +
    `; ${summary.skipped} lines skipped${interrupted ? '; interrupted' : ''}\n`;
  if (j.heuristic > 0 && j.uti + j.sid === 0)
    text +=
      `kentra audit: no audit event carried a token id in user.extra["${mappings.utiExtraKey}"] or ` +
      `["${mappings.sidExtraKey}"], so sign-ins were joined by heuristic (oid + time window + IP + app) ` +
      'with the confidence shown. For exact joins, map claims.uti and claims.sid into these extra keys in the ' +
      "API server's AuthenticationConfiguration (see docs/audit.md).\n";
  return text;
}

/** 1048576 -> "1 MiB", 1536 -> "1.5 KiB", 100 -> "100 characters". */
function sizeText(chars: number): string {
  if (chars >= 1024 * 1024) return `${+(chars / (1024 * 1024)).toFixed(2)} MiB`;
  if (chars >= 1024) return `${+(chars / 1024).toFixed(2)} KiB`;
  return `${chars} characters`;
}
