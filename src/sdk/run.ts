import { CairnError } from '../core/errors.js';
import { ArtifactCopies, checkArtifactPath, dictText } from './artifactCopies.js';
import {
  RUN_STATUSES, checkInteger, checkKey, checkTags, jsonLine, metricValue, paramText, runField, tagText,
  type ParamValue, type RunStatus,
} from './eventLines.js';
import type { EventsWriter } from './eventsWriter.js';

/** The active runs, innermost last (the SDK's counterpart of MLflow's fluent run stack). */
export const activeRuns: Run[] = [];

export interface MetricOptions {
  step?: number;
  /** Milliseconds since the epoch; defaults to the time of the call. */
  timestamp?: number;
}

export interface DatasetInput {
  name: string;
  /** What identifies the data's version, such as its cairn oid. */
  digest: string;
  source?: string;
  sourceType?: string;
  context?: string;
}

export interface RunInit {
  id: string;
  writer: EventsWriter;
  copies: ArtifactCopies;
  name?: string;
  experiment?: string;
  parentId?: string;
  /** The stage's own run: cairn created it and ends it from the command's exit status, so no run or end line. */
  attached?: boolean;
  /** Put "run_id" on every line (a nested run, or a file whose default run is another). */
  explicitRunId?: boolean;
  onEnd?: (run: Run, ingest: boolean) => void;
}

/** A run being logged to; lines are buffered and written in chunks (see docs/sdk.md). */
export class Run {
  readonly id: string;
  readonly name?: string;
  readonly experiment?: string;
  readonly parentId?: string;
  readonly attached: boolean;
  readonly startTime = Date.now();
  status: 'RUNNING' | RunStatus = 'RUNNING';
  endTime?: number;
  ended = false;
  readonly writer: EventsWriter;
  readonly copies: ArtifactCopies;
  private rid: string;
  private readonly params = new Map<string, string>();
  private readonly onEnd?: (run: Run, ingest: boolean) => void;

  constructor(init: RunInit) {
    this.id = init.id;
    this.name = init.name;
    this.experiment = init.experiment;
    this.parentId = init.parentId;
    this.attached = init.attached ?? false;
    this.writer = init.writer;
    this.copies = init.copies;
    this.rid = init.explicitRunId ? runField(init.id) : '';
    this.onEnd = init.onEnd;
  }

  /** Puts "run_id" on this run's lines from now on (a file it is not sure to be the default run of). */
  nameRunOnEveryLine(): void {
    this.rid = runField(this.id);
  }

  private append(line: string, now = Date.now()): void {
    this.checkOpen();
    this.writer.append(line, now);
  }

  private checkOpen(): void {
    if (this.ended) throw new CairnError('USAGE', `run ${this.id} has ended`, { hint: 'start a new run with startRun()' });
  }

  /** The run's `run` line (not for the stage's own run). */
  writeStart(tags: Record<string, string>): void {
    const run: Record<string, unknown> = { id: this.id };
    if (this.name !== undefined) run.name = this.name;
    if (this.experiment !== undefined) run.experiment = this.experiment;
    if (this.parentId !== undefined) run.parent = this.parentId;
    run.start_time = this.startTime;
    if (Object.keys(tags).length) run.tags = tags;
    this.append(jsonLine({ run }));
  }

  /** Logs one point of metric `key`; the third argument is the step or { step, timestamp } (step 0, now by default). */
  logMetric(key: string, value: number, stepOrOptions?: number | MetricOptions): void {
    this.checkOpen();
    checkKey(key, 'metric');
    const options = typeof stepOrOptions === 'object' ? stepOrOptions : { step: stepOrOptions };
    const step = options.step === undefined ? 0 : checkInteger(options.step, 'step');
    const now = Date.now();
    const ts = options.timestamp === undefined ? now : checkInteger(options.timestamp, 'timestamp');
    const v = typeof value === 'number' && Number.isFinite(value) ? String(value) : metricValue(key, value);
    this.writer.append(`{"metric":"${key}","value":${v},"step":${step},"timestamp":${ts}${this.rid}}\n`, now);
  }

  /** Logs several metrics at one step, as one line. */
  logMetrics(metrics: Record<string, number>, stepOrOptions?: number | MetricOptions): void {
    this.checkOpen();
    const parts = Object.entries(metrics).map(([k, v]) => `"${checkKey(k, 'metric')}":${metricValue(k, v)}`);
    if (!parts.length) return;
    const options = typeof stepOrOptions === 'object' ? stepOrOptions : { step: stepOrOptions };
    const step = options.step === undefined ? 0 : checkInteger(options.step, 'step');
    const now = Date.now();
    const ts = options.timestamp === undefined ? now : checkInteger(options.timestamp, 'timestamp');
    this.append(`{"metrics":{${parts.join(',')}},"step":${step},"timestamp":${ts}${this.rid}}\n`, now);
  }

  private checkParams(params: Record<string, ParamValue>): Record<string, string> {
    const checked: Record<string, string> = {};
    for (const [key, value] of Object.entries(params)) {
      checkKey(key, 'param');
      const text = paramText(key, value);
      const before = this.params.get(key) ?? checked[key];
      if (before !== undefined && before !== text) {
        throw new CairnError('CONFLICT', `param ${JSON.stringify(key)} was already logged with value ${JSON.stringify(before)} in run ${this.id}`, {
          hint: 'params cannot change within a run: log it under another key, or start a new run',
        });
      }
      checked[key] = text;
    }
    return checked;
  }

  /** Logs a param (stored as a string); logging the same key again with another value is an error. */
  logParam(key: string, value: ParamValue): void {
    const checked = this.checkParams({ [key]: value });
    this.append(jsonLine({ param: key, value: checked[key] }, this.rid));
    this.params.set(key, checked[key]);
  }

  logParams(params: Record<string, ParamValue>): void {
    const checked = this.checkParams(params);
    if (!Object.keys(checked).length) return;
    this.append(jsonLine({ params: checked }, this.rid));
    for (const [k, v] of Object.entries(checked)) this.params.set(k, v);
  }

  setTag(key: string, value: string): void {
    checkKey(key, 'tag');
    this.append(jsonLine({ tag: key, value: tagText(key, value) }, this.rid));
  }

  setTags(tags: Record<string, string>): void {
    const checked = checkTags(tags);
    if (Object.keys(checked).length) this.append(jsonLine({ tags: checked }, this.rid));
  }

  private artifactLine(artifact: string, folder: string | undefined): void {
    this.append(jsonLine(folder ? { artifact, path: folder } : { artifact }, this.rid));
  }

  /** Copies a file (or folder) now and logs it under `artifactPath`, a folder in the run's artifacts. */
  logArtifact(localPath: string, artifactPath?: string): void {
    const folder = checkArtifactPath(artifactPath);
    this.checkOpen();
    this.artifactLine(this.copies.copy(localPath, false), folder);
  }

  /** Copies the contents of a folder now and logs them under `artifactPath`. */
  logArtifacts(localDir: string, artifactPath?: string): void {
    const folder = checkArtifactPath(artifactPath);
    this.checkOpen();
    this.artifactLine(this.copies.copy(localDir, true), folder);
  }

  logText(text: string, artifactFile: string): void {
    this.checkOpen();
    const { artifact, folder } = this.copies.writeText(text, artifactFile);
    this.artifactLine(artifact, folder);
  }

  /** Logs an object as a JSON file, or YAML when artifactFile ends in .yaml/.yml. */
  logDict(value: unknown, artifactFile: string): void {
    this.logText(dictText(value, artifactFile), artifactFile);
  }

  /** Records a dataset the run used. */
  logInput(input: DatasetInput): void {
    const dataset: Record<string, string> = {};
    for (const field of ['name', 'digest'] as const) {
      if (typeof input[field] !== 'string' || !input[field]) throw new CairnError('INVALID', `logInput: ${field} must be a non-empty string`);
      dataset[field] = input[field];
    }
    if (input.source !== undefined) dataset.source = input.source;
    if (input.sourceType !== undefined) dataset.source_type = input.sourceType;
    if (input.context !== undefined) dataset.context = input.context;
    this.append(jsonLine({ dataset }, this.rid));
  }

  /** Writes the buffered lines now. */
  flush(): void {
    this.writer.flush();
  }

  /**
   * Ends the run (and its still active nested runs), writes every line and, for a run of its own outside a stage,
   * runs `cairn runs ingest` (synchronously, so it also works at process exit) unless `ingest` is false.
   */
  end(status: RunStatus = 'FINISHED', { ingest = true }: { ingest?: boolean } = {}): void {
    if (!RUN_STATUSES.includes(status)) {
      throw new CairnError('INVALID', `status must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
    }
    if (this.ended) return;
    const at = activeRuns.indexOf(this);
    if (at >= 0) for (const inner of activeRuns.slice(at + 1).reverse()) inner.end(status, { ingest });
    if (!this.attached && !this.writer.closed) {
      this.endTime = Date.now();
      this.append(jsonLine({ end: { status, end_time: this.endTime } }, this.rid));
      this.status = status;
    }
    this.ended = true;
    if (at >= 0) activeRuns.splice(activeRuns.indexOf(this), 1);
    if (this.onEnd) this.onEnd(this, ingest);
    else this.writer.flush();
  }
}
