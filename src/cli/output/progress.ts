import type { ProgressEvent, ProgressSink } from '../../core/context.js';

/** A progress bar on stderr, only on a TTY; returns a sink and a function that clears the bar. */
export async function makeProgress(enabled: boolean): Promise<{ sink?: ProgressSink; stop: () => void }> {
  if (!enabled) return { sink: undefined, stop: () => {} };
  const { SingleBar } = await import('cli-progress');
  let bar: InstanceType<typeof SingleBar> | null = null;
  let phase = '';
  const started = Date.now();
  const sink: ProgressSink = (e: ProgressEvent) => {
    if (!bar || e.phase !== phase) {
      bar?.stop();
      phase = e.phase;
      bar = new SingleBar(
        {
          format: `${e.phase.padEnd(12)} [{bar}] {value}/{total} files {mb} {rate} ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
      );
      bar.start(e.total ?? 0, e.done, { mb: '', rate: '' });
    }
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const mb = e.bytes !== undefined ? `${(e.bytes / 1048576).toFixed(1)} MiB` : '';
    const rate = e.bytes !== undefined ? `${(e.bytes / 1048576 / secs).toFixed(1)} MiB/s` : '';
    if (e.total !== undefined) bar.setTotal(e.total);
    bar.update(e.done, { mb, rate });
  };
  return { sink, stop: () => bar?.stop() };
}
