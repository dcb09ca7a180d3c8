import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepo, type Repo } from '../../src/core/repo.js';
import { defaultTrackingPath } from '../../src/tracking/openTrackingStore.js';
import { sh } from '../helpers/cli.js';
import { expRepo } from '../helpers/expRepo.js';
import { startTestServer } from '../helpers/server.js';
import { checkSchema } from '../helpers/checkSchema.js';
import { OPENAPI_DOCUMENT } from '../../src/server/routes/native/openapi.js';

type ExpRepo = Awaited<ReturnType<typeof expRepo>>;
/** A GET whose answer is checked against what openapi.json says that route answers (200s and errors alike). */
const get = async (server: Awaited<ReturnType<typeof startTestServer>>, url: string) => {
  const res = await server.app.inject({ method: 'GET', url });
  const json = res.json();
  const route = url.split('?')[0].slice('/api/cairn/v1'.length).replace(/^\/runs\/[^/]+\//, '/runs/{run_id}/');
  const op = (OPENAPI_DOCUMENT.paths as unknown as Record<string, { get: { responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }> } }>)[route].get;
  const described = op.responses[String(res.statusCode)];
  assert.ok(described, `${url}: status ${res.statusCode} is described`);
  const problems = checkSchema(json, described.content!['application/json'].schema, OPENAPI_DOCUMENT.components.schemas);
  assert.deepEqual(problems, [], `${url} answers as openapi.json says`);
  return { status: res.statusCode, json };
};

describe('the native API over a repository', () => {
  let repo: ExpRepo;
  let opened: Repo;
  before(async () => {
    repo = await expRepo();
    writeFileSync(path.join(repo.dir, 'data.csv'), 'a,b\n1,2\n');
    const added = await repo.run(['add', 'data.csv']);
    assert.equal(added.code, 0, added.stderr);
    sh(repo.dir, 'git add -A && git commit -q -m data', repo.env);
    const exp = await repo.run(['exp', 'run', '-n', 'slow-lr', '-S', 'train.lr=0.05']);
    assert.equal(exp.code, 0, exp.stderr);
    opened = await openRepo({ cwd: repo.dir, env: repo.env });
  });
  after(() => repo?.cleanup());

  /** A server over the repository's own tracking store, started in it. */
  const server = (t: Parameters<typeof startTestServer>[0]) =>
    startTestServer(t, { backendUri: `sqlite://${defaultTrackingPath(opened.cairnDir)}`, configure: (ctx) => void (ctx.repo = opened) });

  it('GET /api/cairn/v1/info: version, backend, auth and the repository root', async (t) => {
    const s = await server(t);
    const { status, json } = await get(s, '/api/cairn/v1/info');
    assert.equal(status, 200);
    assert.deepEqual(json, { version: '0.0.0-test', backend: s.ctx.tracking.displayUri, auth: false, repo: opened.root });
  });

  it('GET /api/cairn/v1/pipeline/dag: the stages with their deps and outs, from the workspace or a revision', async (t) => {
    const s = await server(t);
    const { status, json } = await get(s, '/api/cairn/v1/pipeline/dag');
    assert.equal(status, 200);
    assert.equal(json.rev, null);
    assert.deepEqual(json.files, ['cairn.yaml']);
    assert.deepEqual(json.nodes.map((n: { name: string; outs: string[] }) => [n.name, n.outs]), [['train', ['model.txt', 'metrics.json']]]);
    assert.deepEqual(json.edges, []);
    const atHead = await get(s, '/api/cairn/v1/pipeline/dag?rev=HEAD');
    assert.equal(atHead.json.rev, sh(repo.dir, 'git rev-parse HEAD', repo.env).trim());
    const unknown = await get(s, '/api/cairn/v1/pipeline/dag?rev=no-such-branch');
    assert.equal(unknown.status, 404, 'native errors keep cairn\'s statuses');
    assert.equal(unknown.json.cairn.code, 'NOT_FOUND');
    const hostile = await get(s, '/api/cairn/v1/pipeline/dag?rev=--output=/tmp/x');
    assert.equal(hostile.status, 400);
    assert.match(hostile.json.message, /invalid Git revision/);
  });

  it('GET /api/cairn/v1/data: pointers and pipeline outputs at HEAD with oids and sizes', async (t) => {
    const s = await server(t);
    const { status, json } = await get(s, '/api/cairn/v1/data');
    assert.equal(status, 200);
    assert.equal(json.commit, sh(repo.dir, 'git rev-parse HEAD', repo.env).trim());
    const byPath = new Map(json.data.map((d: { path: string }) => [d.path, d]));
    assert.deepEqual(byPath.get('data.csv'), { path: 'data.csv', kind: 'file', oid: sh(repo.dir, 'sha256sum data.csv', repo.env).split(' ')[0], size: 8, pointer_file: 'data.csv.cairn' });
    const model = byPath.get('model.txt') as Record<string, unknown>;
    assert.equal(model.stage, 'train');
    assert.equal(model.lock_file, 'cairn.lock');
    assert.match(String(model.oid), /^[0-9a-f]{64}$/);
    const before = await get(s, '/api/cairn/v1/data?rev=HEAD~1');
    assert.ok(!before.json.data.some((d: { path: string }) => d.path === 'data.csv'), 'data.csv was added in the last commit');
  });

  it('GET /api/cairn/v1/experiments/git: experiments from refs/cairn/exps with their params and metrics', async (t) => {
    const s = await server(t);
    const { status, json } = await get(s, '/api/cairn/v1/experiments/git');
    assert.equal(status, 200);
    assert.equal(json.experiments.length, 1);
    const e = json.experiments[0];
    assert.equal(e.name, 'slow-lr');
    assert.equal(e.ref, 'refs/cairn/exps/slow-lr');
    assert.equal(e.commit, sh(repo.dir, 'git rev-parse refs/cairn/exps/slow-lr', repo.env).trim());
    assert.equal(e.baseline, sh(repo.dir, 'git rev-parse HEAD', repo.env).trim());
    assert.equal(e.params['params.yaml']['train.lr'], 0.05);
    assert.equal(e.metrics['metrics.json'].score, 0.9);
  });

  it('GET /api/cairn/v1/runs/:id/lineage: an experiment stage run traces to its commit, inputs and the lock entry there', async (t) => {
    const s = await server(t);
    const parents = await s.ctx.tracking.searchRuns({ filter: "tags.`cairn.exp` = 'slow-lr'" });
    assert.equal(parents.runs.length, 1);
    const children = await s.ctx.tracking.searchRuns({ filter: `tags.\`mlflow.parentRunId\` = '${parents.runs[0].info.run_id}'` });
    assert.equal(children.runs.length, 1);
    const { status, json } = await get(s, `/api/cairn/v1/runs/${children.runs[0].info.run_id}/lineage`);
    assert.equal(status, 200, JSON.stringify(json));
    const expCommit = sh(repo.dir, 'git rev-parse refs/cairn/exps/slow-lr', repo.env).trim();
    assert.equal(json.stage, 'train');
    assert.deepEqual(json.experiment, { name: 'slow-lr', commit: expCommit });
    assert.ok(json.inputs.some((d: { name: string; digest: string }) => d.name === 'train.py' && /^[0-9a-f]{64}$/.test(d.digest)));
    assert.deepEqual(json.outputs.map((d: { name: string }) => d.name).sort(), ['metrics.json', 'model.txt']);
    assert.equal(json.lock.commit, expCommit);
    assert.deepEqual(json.lock.stages.map((x: { stage: string }) => x.stage), ['train']);
    const lockedModel = json.lock.stages[0].outs.find((o: { path: string }) => o.path === 'model.txt');
    assert.equal(lockedModel.oid, json.outputs.find((d: { name: string }) => d.name === 'model.txt').digest);
    assert.equal(json.lock.matches_run, true, json.notes.join('; '));
  });

  it('lineage says when the lock at the run\'s commit does not hold what the run made (a repro of uncommitted work)', async (t) => {
    const s = await server(t);
    const repro = await s.ctx.tracking.searchRuns({ filter: "tags.`cairn.stage` = 'train' and tags.`mlflow.parentRunId` != 'x'", order_by: ['attributes.start_time ASC'] });
    const first = repro.runs[0];
    const { json } = await get(s, `/api/cairn/v1/runs/${first.info.run_id}/lineage`);
    assert.equal(json.experiment, null);
    assert.match(json.git_commit, /^[0-9a-f]{40}$/);
    assert.equal(json.lock.matches_run, false);
    assert.ok(json.notes.some((n: string) => /differ from the lock/.test(n)), json.notes.join('; '));
  });

  it('an unknown run is a 404 with cairn\'s error body', async (t) => {
    const s = await server(t);
    const { status, json } = await get(s, '/api/cairn/v1/runs/0123456789abcdef0123456789abcdef/lineage');
    assert.equal(status, 404);
    assert.equal(json.cairn.code, 'NOT_FOUND');
  });
});

describe('the native API outside a repository', () => {
  it('repo views are 404 with a hint; info says repo null; lineage still works without the lock', async (t) => {
    const s = await startTestServer(t);
    for (const url of ['/api/cairn/v1/pipeline/dag', '/api/cairn/v1/data', '/api/cairn/v1/experiments/git']) {
      const res = await get(s, url);
      assert.equal(res.status, 404, url);
      assert.match(res.json.message, /not started in a cairn repository/);
      assert.match(res.json.cairn.hint, /start `cairn server` from inside the repository/);
    }
    assert.equal((await get(s, '/api/cairn/v1/info')).json.repo, null);
    const run = await s.ctx.tracking.createRun({ experiment_id: '0', tags: [{ key: 'mlflow.source.git.commit', value: 'a'.repeat(40) }] });
    const lineage = (await get(s, `/api/cairn/v1/runs/${run.run_id}/lineage`)).json;
    assert.equal(lineage.git_commit, 'a'.repeat(40));
    assert.equal(lineage.lock, null);
    assert.match(lineage.notes[0], /not run in a Git repository/);
  });
});
