import { randomUUID } from 'node:crypto';
import { CairnError, redactSecrets } from '../core/errors.js';
import { ArtifactCopies } from './artifactCopies.js';
import { RUN_STATUSES, checkTags, type RunStatus } from './eventLines.js';
import { EventsWriter } from './eventsWriter.js';
import { installExitHooks, openWriters, uninstallExitHooks } from './exitHooks.js';
import { Run, activeRuns } from './run.js';
import { ingestRun, ownRunFile, stageContext, systemTags, type Env } from './runTarget.js';
import { shipToServer } from './serverShipper.js';

export interface StartRunOptions {
  name?: string;
  /** The experiment's name (created when first used; "Default" when not given). Ignored for the stage's own run. */
  experiment?: string;
  /** Start a child of the active run (of the stage's run inside a stage) instead of failing when one is active. */
  nested?: boolean;
  tags?: Record<string, string>;
  /** Where to look for CAIRN_RUN_ID, CAIRN_EVENTS, CAIRN_BIN...; defaults to process.env (the SDK is an edge, like the CLI). */
  env?: Env;
  /** Where to look for the repository; defaults to process.cwd(). */
  cwd?: string;
  /** Called with a message when a finished run could not be ingested (it stays pending, nothing is lost). */
  onWarning?: (message: string) => void;
}

const writers = new Map<string, EventsWriter>();
const stageRuns = new Map<string, Run>();

function writerFor(file: string): EventsWriter {
  let writer = writers.get(file);
  if (!writer || writer.closed) {
    writer = new EventsWriter(file);
    writers.set(file, writer);
    openWriters.add(writer);
  }
  return writer;
}

function stageRun(stage: { events: string; runId: string }): Run {
  const key = `${stage.events}\0${stage.runId}`;
  let run = stageRuns.get(key);
  if (!run || run.writer.closed) {
    const writer = writerFor(stage.events);
    run = new Run({
      id: stage.runId, writer, copies: new ArtifactCopies(stage.events), attached: true, onEnd: () => { writer.flush(); afterEnd(); },
    });
    stageRuns.set(key, run);
  }
  return run;
}

function afterEnd(): void {
  if (activeRuns.length === 0) {
    for (const writer of openWriters) writer.stopTimer();
    uninstallExitHooks();
  }
}

/**
 * Starts a run and makes it the active one; inside a stage run by cairn it attaches to the stage's run instead.
 * Lines are buffered and flushed in chunks, at exit, on an uncaught exception (the run ends FAILED) and on
 * SIGTERM/SIGINT (KILLED).
 */
export function startRun(options: StartRunOptions = {}): Run {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const tags = checkTags(options.tags);
  if (options.experiment !== undefined && (typeof options.experiment !== 'string' || !options.experiment.trim())) {
    throw new CairnError('INVALID', 'experiment must be a non-empty string');
  }
  const active = activeRuns[activeRuns.length - 1];
  if (active && !options.nested) {
    throw new CairnError('USAGE', `run ${active.id} is already active`, { hint: 'end it first, or pass { nested: true } to start a child run' });
  }
  const stage = stageContext(env);
  let run: Run;
  if (stage && !options.nested && !active) {
    run = stageRun(stage);
    run.ended = false;
    installExitHooks();
    activeRuns.push(run);
    if (Object.keys(tags).length) run.setTags(tags);
    return run;
  }
  const id = randomUUID().replace(/-/g, '');
  if (active || stage) {
    const parent = active ?? stageRun(stage!);
    // The child's run line may be the first line of the stage's file, which an ingester could take for the file's
    // default run: from now on the stage's run names itself on its lines too.
    if (stage) stageRun(stage).nameRunOnEveryLine();
    run = new Run({
      id, writer: parent.writer, copies: parent.copies, name: options.name, experiment: options.experiment ?? parent.experiment,
      parentId: parent.id, explicitRunId: true, onEnd: () => { parent.writer.flush(); afterEnd(); },
    });
  } else {
    const { events, root, server } = ownRunFile(env, cwd, id);
    Object.assign(tags, { ...systemTags(root ?? cwd, process.argv[1]), ...tags });
    // Before the file exists: a malformed server URL fails here, leaving nothing behind.
    const shipper = server ? shipToServer({ events, uri: server, env, user: tags['mlflow.user'] }) : undefined;
    const writer = writerFor(events);
    run = new Run({
      id, writer, copies: new ArtifactCopies(events), name: options.name, experiment: options.experiment,
      explicitRunId: !writer.wasEmpty,
      onEnd: (_run, ingest) => {
        writer.close();
        openWriters.delete(writer);
        shipper?.cancel();
        afterEnd();
        if (root && ingest) {
          // Synchronous (a run may end in an 'exit' handler): cairn sends the rest, continuing where the shipper stopped.
          const problem = ingestRun(events, root, env, { removeWhenDone: server !== undefined });
          if (problem && server) options.onWarning?.(`run ${id} stays in ${events}: ${problem}; send it with \`CAIRN_TRACKING_URI=${redactSecrets(server)} cairn runs ingest ${events}\``);
          else if (problem) options.onWarning?.(`run ${id} stays in ${events}: ${problem}; the next \`cairn runs\` command in ${root} ingests it`);
        }
      },
    });
  }
  installExitHooks();
  run.writeStart(tags);
  activeRuns.push(run);
  return run;
}

/** The innermost active run, if any. */
export function activeRun(): Run | undefined {
  return activeRuns[activeRuns.length - 1];
}

/** Ends the active run, if any. */
export function endRun(status: RunStatus = 'FINISHED'): void {
  if (!RUN_STATUSES.includes(status)) throw new CairnError('INVALID', `status must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  activeRun()?.end(status);
}

/** Runs `fn` in a new run that ends FINISHED when it returns (or resolves) and FAILED when it throws (or rejects). */
export async function withRun<T>(options: StartRunOptions, fn: (run: Run) => T | Promise<T>): Promise<T> {
  const run = startRun(options);
  try {
    const result = await fn(run);
    run.end('FINISHED');
    return result;
  } catch (err) {
    run.end('FAILED');
    throw err;
  }
}
