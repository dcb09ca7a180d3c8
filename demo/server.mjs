// The demo's server part: `cairn server` over the repository's runs, an MLflow-style client (plain HTTP, as MLflow's
// REST API documents it) and cairn's own Python client logging to it, the CLI reading them back — and the server
// left running for a look around (`--stop-server` stops it at the end, as the tests do).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Starts `cairn server` in the background on `port` (0: any free one), its output going to `logFile`, resolving
 * with its URL (the JSON line `--json` prints) and process. A file, not a pipe: the server may outlive the demo.
 */
async function startServer({ cairnBin, env, cwd, port, detached, logFile }) {
  const fd = openSync(logFile, 'w');
  const proc = spawn(process.execPath, [cairnBin, 'server', '--port', String(port), '--json'], { cwd, env, detached, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = null;
  proc.once('exit', (code) => (exited = code));
  for (let waited = 0; waited < 20_000; waited += 50) {
    const text = readFileSync(logFile, 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('{"url"'));
    if (line) return { url: JSON.parse(line).url, proc };
    if (exited !== null) throw new Error(`cairn server exited with ${exited}: ${text.trim().split('\n').pop()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGTERM');
  throw new Error('cairn server did not start within 20 s');
}

/** One call of MLflow's REST API: GET with the fields in the query string, POST with a JSON body. */
async function mlflow(url, route, body, method = 'POST') {
  const target = new URL(`api/2.0/mlflow/${route}`, url);
  if (method === 'GET') for (const [k, v] of Object.entries(body)) target.searchParams.set(k, String(v));
  const res = await fetch(target, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${route}: ${json.error_code}: ${json.message}`);
  return json;
}

export async function server(ctx) {
  const { n, repo, root } = ctx;
  n.section('A team server: cairn server speaks MLflow\'s REST API');
  if (!n.has('server')) {
    n.skip('the server is not built yet');
    ctx.summary.push('server: skipped');
    return;
  }
  const cairnBin = path.join(root, 'bin', 'cairn.js');
  const env = ctx.env;
  // MLflow's port when it is free, else any: the demo must not fail because something else uses 5000.
  const logFile = path.join(ctx.base, 'server.log');
  const options = { cairnBin, env, cwd: repo, detached: !ctx.stopServer, logFile };
  const started = await startServer({ ...options, port: 5000 }).catch(() => startServer({ ...options, port: 0 }));
  const { url, proc } = started;
  n.say(`$ cairn server --port ${new URL(url).port}          (in the background, over this repository's runs)`);
  n.ok(`listening on ${url}`);
  try {
    const { runs: recorded = [] } = await mlflow(url, 'runs/search', { max_results: 1000 });
    n.ok(`POST /api/2.0/mlflow/runs/search: the ${recorded.length} runs recorded so far (pipeline stages, experiments, the script) are there`);

    n.say('An MLflow client logs through the REST API, with no cairn code at all:');
    const experiment = await mlflow(url, 'experiments/get-by-name', { experiment_name: 'Default' }, 'GET').then((r) => r.experiment.experiment_id);
    const { run } = await mlflow(url, 'runs/create', { experiment_id: experiment, run_name: 'mlflow-client', start_time: Date.now() });
    const runId = run.info.run_id;
    const metrics = Array.from({ length: 100 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), step, timestamp: Date.now() }));
    await mlflow(url, 'runs/log-batch', { run_id: runId, params: [{ key: 'optimizer', value: 'adam' }], tags: [{ key: 'client', value: 'mlflow-rest' }], metrics });
    await mlflow(url, 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    n.say(`  runs/create → ${runId.slice(0, 8)}; runs/log-batch (1 param, 1 tag, 100 points); runs/update FINISHED`);

    n.say('cairn\'s Python client logs to the server too: only CAIRN_TRACKING_URI changes');
    const script = path.join(repo, 'remote_log.py');
    writeFileSync(script, [
      'import cairn',
      'with cairn.start_run(name="to-the-server"):',
      '    cairn.log_param("where", "server")',
      '    for step in range(50):',
      '        cairn.log_metric("acc", step / 50, step=step)',
      '',
    ].join('\n'));
    const pyEnv = `PYTHONPATH=${path.join(root, 'clients', 'python')}`;
    n.run(repo, 'env', [pyEnv, `CAIRN_BIN=${cairnBin}`, `CAIRN_TRACKING_URI=${url}`, 'python3', 'remote_log.py'], { display: `CAIRN_TRACKING_URI=${url} python3 remote_log.py` });

    n.say('And the CLI reads the server the same way:');
    const listed = n.run(repo, 'env', [`CAIRN_TRACKING_URI=${url}`, process.execPath, cairnBin, 'runs', 'list', '-n', '5'], { display: `CAIRN_TRACKING_URI=${url} cairn runs list -n 5` });
    for (const name of ['mlflow-client', 'to-the-server']) {
      if (!listed.stdout.includes(name)) throw new Error(`the run ${name} is not in cairn runs list over the server`);
    }
    const history = await mlflow(url, 'metrics/get-history', { run_id: runId, metric_key: 'loss' }, 'GET');
    if (history.metrics?.length !== 100) throw new Error(`get-history returned ${history.metrics?.length} points, not 100`);
    n.ok('both runs are on the server; get-history returns the 100 points of loss');
  } catch (err) {
    proc.kill('SIGTERM');
    throw err;
  }
  if (ctx.stopServer) {
    await new Promise((resolve) => {
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    });
    n.ok('server stopped (--stop-server)');
    ctx.summary.push('server: MLflow REST calls and the Python client logged to cairn server; the CLI read them back; stopped');
  } else {
    proc.unref();
    ctx.keep = true;
    ctx.summary.push(`server: still running at ${url} (pid ${proc.pid}, log ${logFile}); stop it with \`kill ${proc.pid}\``);
    ctx.summary.push(`web UI: open ${url} in a browser — the demo's experiments, runs, charts, pipeline and models`);
  }
}
