import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startPostgres } from '../helpers/postgres.js';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });

describe('the startPostgres test helper', () => {
  it('gives each call of newDatabase an empty database of its own, and stops with the test', async (t) => {
    const postgres = await startPostgres(t);
    const [a, b] = [await postgres.newDatabase(), await postgres.newDatabase()];
    assert.notEqual(a, b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    await client.query('CREATE TABLE only_in_a (x INT)');
    await client.end();
    const other = new pg.Client({ connectionString: b });
    await other.connect();
    assert.equal((await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'")).rows[0].n, 0);
    await other.end();
    await postgres.stop();
    assert.equal(await accepts(postgres.port), false);
  });

  it('leaves no server behind when its process exits without running its hooks', async () => {
    const script = `
      const { startPostgres } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'test/helpers/postgres.ts'))});
      const postgres = await startPostgres({ after: () => {} });
      console.log(JSON.stringify({ port: postgres.port, url: postgres.url }));
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { port } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(await accepts(port), false, `a server on port ${port} is still running`);
  });
});
