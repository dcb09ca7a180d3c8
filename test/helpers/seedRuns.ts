/**
 * Seeds a test server with runs through its MLflow API, as a client would: experiments, runs with params, metric
 * histories and tags, some still RUNNING. Deterministic (values from the run's index), so tests can assert orders.
 */
import type { TestServer } from './server.js';

export interface SeedOptions {
  experiment: string;
  runs: number;
  params?: number;
  metrics?: number;
  /** Points per metric (default 3). */
  steps?: number;
  /** Every n-th run stays RUNNING (default: none). */
  runningEvery?: number;
  /** The start time of run 0; run i starts i seconds later. */
  startTime?: number;
}

export interface SeededRun {
  run_id: string;
  name: string;
  index: number;
}

export async function seedRuns(server: TestServer, options: SeedOptions): Promise<{ experimentId: string; runs: SeededRun[] }> {
  const created = await server.api('experiments/create', { name: options.experiment });
  if (created.status !== 200) throw new Error(`experiments/create: ${JSON.stringify(created.json)}`);
  const experimentId = created.json.experiment_id as string;
  const base = options.startTime ?? Date.UTC(2026, 0, 1);
  const runs: SeededRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    const name = `run-${String(i).padStart(4, '0')}`;
    const start = base + i * 1000;
    const run = await server.api('runs/create', { experiment_id: experimentId, run_name: name, start_time: start, tags: [{ key: 'team', value: i % 2 ? 'vision' : 'nlp' }] });
    const runId = run.json.run.info.run_id as string;
    const params = Array.from({ length: options.params ?? 3 }, (_, p) => ({ key: p === 0 ? 'optimizer' : `p${p}`, value: p === 0 ? ['adam', 'sgd', 'rmsprop'][i % 3] : String((i * (p + 1)) % 7) }));
    const metrics = [];
    for (let m = 0; m < (options.metrics ?? 2); m++) {
      for (let s = 0; s < (options.steps ?? 3); s++) {
        metrics.push({ key: m === 0 ? 'acc' : m === 1 ? 'loss' : `m${m}`, value: m === 0 ? ((i * 37) % 100) / 100 + s / 1000 : 1 / (i + s + 1), timestamp: start + s, step: s });
      }
    }
    for (let k = 0; k < metrics.length; k += 1000) {
      const r = await server.api('runs/log-batch', { run_id: runId, metrics: metrics.slice(k, k + 1000), params: k === 0 ? params : [] });
      if (r.status !== 200) throw new Error(`log-batch: ${JSON.stringify(r.json)}`);
    }
    const running = options.runningEvery && i % options.runningEvery === 0;
    if (!running) await server.api('runs/update', { run_id: runId, status: 'FINISHED', end_time: start + 500 + i * 10 });
    runs.push({ run_id: runId, name, index: i });
  }
  return { experimentId, runs };
}
