/** What library code receives from its caller instead of reaching for globals: environment, progress and log sinks. */

export interface ProgressEvent {
  /** A short label for the phase, e.g. "hashing", "uploading". */
  phase: string;
  done: number;
  total?: number;
  bytes?: number;
  totalBytes?: number;
}

export type ProgressSink = (event: ProgressEvent) => void;
export type LogLevel = 'debug' | 'info' | 'warn';
export type LogSink = (level: LogLevel, message: string) => void;

export interface RunContext {
  cwd: string;
  /** The environment as the caller chose to pass it (the CLI passes process.env). */
  env: Record<string, string | undefined>;
  onProgress?: ProgressSink;
  onLog?: LogSink;
  /** Aborted on the first interrupt: stop starting work, ask running children to stop. */
  signal?: AbortSignal;
  /** Aborted on a second interrupt: the caller exits now, so running children are killed at once. */
  kill?: AbortSignal;
}

export function makeContext(partial: Partial<RunContext> & { cwd: string }): RunContext {
  return { env: {}, ...partial };
}
