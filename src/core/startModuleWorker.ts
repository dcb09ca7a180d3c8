import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running the module `name` (without extension) beside the caller's module `from` (its
 * import.meta.url). Under tsx (tests that import src/ directly) that module is a .ts file and the worker needs tsx
 * itself; the build runs the .js file.
 */
export function startModuleWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (from.endsWith('.ts')) {
    const url = new URL(`./${name}.ts`, from).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    return new Worker(boot, { ...options, eval: true });
  }
  return new Worker(new URL(`./${name}.js`, from), options);
}
