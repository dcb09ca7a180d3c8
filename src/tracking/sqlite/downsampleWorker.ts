/**
 * A worker thread of the reader pool (readerPool.ts): its own read-only connection to the tracking database, on which
 * it downsamples the series it is sent. WAL mode lets it read while the main connection writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { downsampleInSql } from './downsampleInSql.js';
import type { ReaderJob, ReaderReply } from './readerPool.js';

const db = new Database((workerData as { file: string }).file, { readonly: true, fileMustExist: true, timeout: 30_000 });
const statements = new Map<string, Database.Statement>();
const prep = (sql: string) => {
  let stmt = statements.get(sql);
  if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
  return stmt;
};

parentPort!.on('message', (job: ReaderJob) => {
  let reply: ReaderReply;
  try {
    reply = { id: job.id, result: downsampleInSql({ prep }, job.run, job.key, job.options) };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
