import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/freePort.js';
import { startPostgres } from '../helpers/postgres.js';

const postgres = await startPostgres({ after });
const line = (o: unknown) => JSON.stringify(o) + '\n';

describe('cairn runs on a PostgreSQL tracking store', () => {
  it('ingests, lists, filters, deletes and restores runs through CAIRN_TRACKING_URI=postgresql://', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const env = { HOME: tmp.dir, CAIRN_TRACKING_URI: await postgres.newDatabase() };
    const events = path.join(tmp.dir, 'e.jsonl');
    writeFileSync(
      events,
      line({ run: { id: 'a1'.repeat(16), name: 'good', start_time: 2 } }) + line({ params: { opt: 'adam' } }) + line({ metrics: { acc: 0.95, loss: 'NaN' }, step: 1 }) +
        line({ run: { id: 'b2'.repeat(16), name: 'bad', start_time: 1 } }) + line({ metrics: { acc: 0.5 }, step: 1 }),
    );
    const ingested = await cairn(tmp.dir, ['runs', 'ingest', events], env);
    assert.equal(ingested.code, 0, ingested.stderr);
    assert.equal((await cairn(tmp.dir, ['runs', 'ingest', events], env)).code, 0, 'ingesting again stores nothing twice');
    const listed = JSON.parse((await cairn(tmp.dir, ['runs', 'list', '--json'], env)).stdout);
    assert.deepEqual(listed.runs.map((r: { info: { run_name: string } }) => r.info.run_name), ['good', 'bad']);
    const filtered = JSON.parse((await cairn(tmp.dir, ['runs', 'list', '--json', '--filter', "metrics.acc > 0.9 and params.opt = 'adam'"], env)).stdout);
    assert.deepEqual(filtered.runs.map((r: { data: { metrics: Array<{ key: string; value: unknown }> } }) => r.data.metrics.find((m) => m.key === 'acc')?.value), [0.95]);
    assert.equal((await cairn(tmp.dir, ['runs', 'delete', 'b2b2b2b2'], env)).code, 0);
    assert.equal(JSON.parse((await cairn(tmp.dir, ['runs', 'list', '--json'], env)).stdout).runs.length, 1);
    assert.equal((await cairn(tmp.dir, ['runs', 'restore', 'b2b2b2b2'], env)).code, 0);
    assert.equal(JSON.parse((await cairn(tmp.dir, ['runs', 'list', '--json'], env)).stdout).runs.length, 2);
  });

  it('exits 7 naming the server, without the password, when PostgreSQL cannot be reached', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const port = await freePort();
    const r = await cairn(tmp.dir, ['runs', 'list'], { HOME: tmp.dir, CAIRN_TRACKING_URI: `postgresql://ann:sesame@127.0.0.1:${port}/runs` });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot connect to the tracking store postgresql://ann:\\*\\*\\*@127\\.0\\.0\\.1:${port}/runs`));
    assert.match(r.stderr, /pg_isready/);
    assert.doesNotMatch(r.stderr, /sesame/);
  });
});
