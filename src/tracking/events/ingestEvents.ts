import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CairnError, fromSystemError } from '../../core/errors.js';
import { DEFAULT_EXPERIMENT_ID, SYSTEM_TAGS, type KeyValue } from '../entities.js';
import { ensureExperiment } from '../trackingOps.js';
import type { ArtifactBlobs, TrackingStore, TrackingWrite } from '../trackingStore.js';
import { collectArtifacts } from './collectArtifacts.js';
import { parseEventLine } from './parseEventLine.js';
import { fileEventsInput, type EventsInput } from './eventsInput.js';

export interface IngestEventsOptions {
  store: TrackingStore;
  /** The events file (for an `input` that is not a file: its name in messages). */
  file: string;
  /** Where the lines come from when they are not read from `file` (a batch a client sent to the server). */
  input?: EventsInput;
  /** The run of lines that name none when the file has no `run` line (CAIRN_RUN_ID of a stage). */
  runId?: string;
  /** Where artifact bytes go (the data cache); artifact lines fail without it. */
  blobs?: ArtifactBlobs;
  /** Tags for runs this ingestion creates (mlflow.user, mlflow.source.*); the file's own tags win over them. */
  systemTags?: Record<string, string>;
  /** Delete the file (and its `<file>.d/` folder) once fully ingested if its run has ended (pending files). */
  deleteWhenEnded?: boolean;
  now?: () => number;
  /** Points per transaction (default 50,000). */
  batchPoints?: number;
  /** One transaction per line: how a refused batch is replayed to find the line at fault. */
  oneByOne?: boolean;
}

export interface IngestEventsResult {
  file: string;
  run_id: string | null;
  /** Lines ingested by this call, and the metric points among them. */
  lines: number;
  points: number;
  /** Bytes of the file ingested so far (all calls), and bytes of an incomplete last line left for later. */
  offset: number;
  pending_bytes: number;
  deleted: boolean;
}

/**
 * Ingests an events file from where the last ingestion stopped: each transaction stores its lines' data together
 * with the new offset, so re-ingesting (or a crash between commit and anything after) never duplicates a point.
 * A bad line stops ingestion there, after storing every good line before it, with an error naming file and line.
 */
export async function ingestEvents(options: IngestEventsOptions): Promise<IngestEventsResult> {
  const { store, file } = options;
  const now = options.now ?? Date.now;
  const input = options.input ?? fileEventsInput(file);
  const head = await input.head();
  const result: IngestEventsResult = { file, run_id: null, lines: 0, points: 0, offset: 0, pending_bytes: 0, deleted: false };
  if (head === null) return result;
  const headEvent = safeParse(head.text);
  const stem = path.basename(file).replace(/\.jsonl$/, '');
  // The file's run: its first line's when that starts a top-level run (a nested run never is the default).
  const headRun = headEvent?.kind === 'run' && !headEvent.parent ? headEvent.run_id : null;
  const fileRun = headRun ?? options.runId ?? (/^[0-9a-f]{32}$/.test(stem) ? stem : null);
  result.run_id = fileRun;
  const source = eventsSource(await input.identity(), head.text);
  const start = await store.getIngestOffset(source);
  if (start > head.size || !(await input.startsLine(start))) {
    throw new CairnError('INTEGRITY', `events file ${file} was rewritten: ${start > head.size ? `it is shorter (${head.size} bytes) than` : 'its lines no longer end where'} what was already ingested from it (${start} bytes)`, {
      hint: 'events files are append-only: write new events to a new file',
    });
  }

  const exists = new Map<string, boolean>();
  const runExists = async (id: string): Promise<boolean> => {
    const cached = exists.get(id);
    if (cached !== undefined) return cached;
    const found = await store.getRun(id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof CairnError && err.code === 'NOT_FOUND') return false;
        throw err;
      },
    );
    exists.set(id, found);
    return found;
  };
  /** Experiments of the runs this ingestion started; a nested run without one belongs to its parent's. */
  const experiments = new Map<string, string>();
  const experimentOf = async (runId: string): Promise<string> => {
    const known = experiments.get(runId);
    if (known !== undefined) return known;
    const parent = await store.getRun(runId).catch((err: unknown) => {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    return parent?.info.experiment_id ?? DEFAULT_EXPERIMENT_ID;
  };
  let writes: TrackingWrite[] = [];
  let points = 0;
  const batchFor = (runId: string): Extract<TrackingWrite, { op: 'logBatch' }> => {
    const last = writes[writes.length - 1];
    if (last?.op === 'logBatch' && last.run_id === runId) return last;
    const batch: Extract<TrackingWrite, { op: 'logBatch' }> = { op: 'logBatch', run_id: runId, metrics: [], params: [], tags: [] };
    writes.push(batch);
    return batch;
  };
  const createTags = (own: KeyValue[]): KeyValue[] => {
    const given = new Set(own.map((t) => t.key));
    return [...Object.entries(options.systemTags ?? {}).filter(([k]) => !given.has(k)).map(([key, value]) => ({ key, value })), ...own];
  };
  if (start === 0 && !headRun && fileRun && !(await runExists(fileRun))) {
    // A file without a `run` line for a run nobody created: record it rather than lose the lines.
    writes.push({ op: 'ensureRun', run: { run_id: fileRun, experiment_id: DEFAULT_EXPERIMENT_ID, start_time: now(), user_id: options.systemTags?.[SYSTEM_TAGS.user], tags: createTags([]) } });
    exists.set(fileRun, true);
  }

  let offset = start;
  let linesPending = 0;
  const flush = async (end: number) => {
    if (writes.length === 0 && end === offset) return;
    await store.write(writes, { source, run_id: fileRun ?? '', offset: end, expected_offset: offset });
    result.points += points;
    result.lines += linesPending;
    writes = [];
    points = linesPending = 0;
    offset = end;
  };
  /**
   * False when the store refused the batch: another process ingested these lines meanwhile (start again from where
   * it stopped), or a line is at fault (a changed param...: replay line by line to name it).
   */
  const tryFlush = async (end: number): Promise<boolean> => {
    try {
      await flush(end);
      return true;
    } catch (err) {
      if (!(err instanceof CairnError)) throw err;
      if (err.data?.reason === 'ingest-offset-moved') {
        raced = true;
        return false;
      }
      if (options.oneByOne) throw err;
      return false;
    }
  };
  let raced = false;
  const replay = async (): Promise<IngestEventsResult> => {
    const again = await ingestEvents({ ...options, oneByOne: raced ? options.oneByOne : true });
    return { ...again, lines: again.lines + result.lines, points: again.points + result.points };
  };
  const batchPoints = options.batchPoints ?? 50_000;
  const knownKeys = new Set<string>();
  for await (const chunk of input.readLines(start)) {
    const timestamp = now();
    for (const { text, start: lineStart, end } of chunk.lines) {
      if (text.trim() === '') continue;
      try {
        await addLine(text, timestamp);
        if (options.oneByOne) {
          linesPending++;
          if (!(await tryFlush(end))) return replay();
          continue;
        }
      } catch (err) {
        // addLine adds a line's writes only once the whole line is understood, so `writes` holds good lines only.
        if (!options.oneByOne && !(await tryFlush(lineStart))) return replay();
        throw lineError(err, file, await input.lineNumberAt(lineStart));
      }
      linesPending++;
      if (points >= batchPoints && !(await tryFlush(end))) return replay();
    }
    if (!(await tryFlush(chunk.end))) return replay();
    result.pending_bytes = chunk.pendingBytes;
  }
  result.offset = offset;
  if (options.deleteWhenEnded && !options.input && result.pending_bytes === 0 && fileRun && (await runExists(fileRun))) {
    if ((await store.getRun(fileRun)).info.status !== 'RUNNING') {
      // The file first, then its `.d` folder of artifact copies (already stored in the cache): a crash in between
      // leaves a folder, never a pending file whose artifacts are gone.
      await fs.rm(file, { force: true });
      await fs.rm(`${file}.d`, { recursive: true, force: true });
      result.deleted = true;
    }
  }
  return result;

  /** Turns one line into writes appended to the current batch (metrics, params and tags of a run merge into one). */
  async function addLine(text: string, timestamp: number): Promise<void> {
    const e = parseEventLine(text, knownKeys);
    const runId = e.kind === 'run' ? e.run_id : (e.run_id ?? fileRun);
    if (!runId) throw new CairnError('USAGE', 'this line names no run: the file has no "run" line, no "run_id" and no CAIRN_RUN_ID');
    switch (e.kind) {
      case 'metric':
        batchFor(runId).metrics!.push({ key: e.key, value: e.value, step: e.step, timestamp: e.timestamp ?? timestamp });
        points++;
        return;
      case 'metrics': {
        const metrics = batchFor(runId).metrics!;
        for (const p of e.points) metrics.push({ key: p.key, value: p.value, step: e.step, timestamp: e.timestamp ?? timestamp });
        points += e.points.length;
        return;
      }
      case 'params':
        batchFor(runId).params!.push(...e.params);
        return;
      case 'tags':
        batchFor(runId).tags!.push(...e.tags);
        return;
      case 'run': {
        const experiment_id = e.experiment
          ? (await ensureExperiment(store, e.experiment)).experiment_id
          : e.parent
            ? await experimentOf(e.parent)
            : DEFAULT_EXPERIMENT_ID;
        experiments.set(runId, experiment_id);
        const own = e.parent ? [...e.tags, { key: SYSTEM_TAGS.parentRunId, value: e.parent }] : e.tags;
        const created = !(await runExists(runId));
        const user_id = options.systemTags?.[SYSTEM_TAGS.user];
        writes.push({ op: 'ensureRun', run: { run_id: runId, experiment_id, run_name: e.name, start_time: e.start_time, user_id, tags: created ? createTags(own) : own } });
        exists.set(runId, true);
        return;
      }
      case 'artifact': {
        if (!input.dir) throw new CairnError('USAGE', 'artifact lines cannot be sent to the server as events: the files are on the client', { hint: 'ingest the events file with `cairn runs ingest FILE` (with CAIRN_TRACKING_URI set to the server): it uploads the artifacts' });
        if (!options.blobs) throw new CairnError('USAGE', 'artifact lines need a cache to store the files in (ingest inside a cairn repository)');
        const artifacts = await collectArtifacts(options.blobs, path.resolve(input.dir, e.source), e.path);
        writes.push({ op: 'logArtifacts', run_id: runId, artifacts });
        return;
      }
      case 'dataset': {
        const { context, ...rest } = e.dataset;
        const dataset = { source_type: '', source: '', ...rest };
        writes.push({ op: 'logInputs', run_id: runId, datasets: [{ dataset, tags: context ? [{ key: SYSTEM_TAGS.datasetContext, value: context }] : [] }] });
        return;
      }
      case 'end':
        writes.push({ op: 'updateRun', run_id: runId, status: e.status, end_time: e.end_time });
        return;
    }
  }
}

function safeParse(text: string) {
  try {
    return parseEventLine(text);
  } catch {
    return null;
  }
}

function lineError(err: unknown, file: string, line: number): CairnError {
  const e = err instanceof CairnError ? err : fromSystemError(err, 'ingesting events');
  return new CairnError(e.code, `${file}:${line}: ${e.message}`, {
    hint: e.hint ?? 'fix or remove that line (the lines before it are recorded), then run `cairn runs ingest` again',
    cause: err,
    data: { ...e.data, file, line },
  });
}

/**
 * The ingestion source of an events stream: where it is (a file's real path, or the path a client gave) and a hash of
 * its first line, so a new file at the same path is a new source. The clients compute the same for what they send.
 */
export function eventsSource(identity: string, headLine: string): string {
  return `${identity}#${createHash('sha256').update(headLine).digest('hex').slice(0, 16)}`;
}
