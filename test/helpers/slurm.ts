import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CAIRN_BIN, cairn, tempDir, tempGitRepo, testEnv } from './cli.js';

/**
 * A private one-node Slurm cluster on loopback (slurmctld + slurmd + munged) in a temp folder, following
 * ../shared/notes/slurm.md: every client and daemon finds it through SLURM_CONF, so several run side by side.
 */
export interface SlurmCluster {
  /** SLURM_CONF for sbatch, squeue, scontrol, scancel (and cairn, which runs them). */
  env: Record<string, string>;
  confDir: string;
  /** Runs a Slurm client against this cluster; throws with its stderr when it fails. */
  run(cmd: string, args: string[]): string;
  /** Waits until no job of this cluster is pending or running. */
  drain(timeoutMs?: number): Promise<void>;
  /** Cancels every job, stops the daemons, kills leftover job steps, removes the folder. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port from 10000 up to the kernel's ephemeral range (a port in that range may be held by an outgoing connection). */
async function freeLowPort(taken: Set<number>): Promise<number> {
  let top = 32768;
  try {
    top = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch { /* the usual default */ }
  for (let i = 0; i < 200; i++) {
    const port = 10000 + Math.floor(Math.random() * (top - 10000));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port below the ephemeral range');
}

/** pid → [state, ppid, comm], read from /proc. */
function processTable(): Map<number, { state: string; ppid: number; comm: string }> {
  const table = new Map<number, { state: string; ppid: number; comm: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      table.set(Number(name), { state, ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch { /* exited meanwhile */ }
  }
  return table;
}

/** A process that is gone or a zombie (PID 1 here reaps slowly, so `kill -0` would still succeed). */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch { /* gone */ }
}

/**
 * What is left of this cluster's jobs: slurmstepd and every process whose environment names this cluster's
 * SLURM_CONF (what the jobs ran, and what they started), with their descendants; never this process.
 */
function clusterProcesses(conf: string): number[] {
  const table = processTable();
  const roots = [...table].filter(([pid, p]) => {
    if (p.state === 'Z' || pid === process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SLURM_CONF=${conf}`);
    } catch {
      return false;
    }
  }).map(([pid]) => pid);
  const out = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of table) if (!out.has(pid) && out.has(p.ppid) && p.state !== 'Z') { out.add(pid); grew = true; }
  }
  return [...out];
}

async function waitFor(what: string, check: () => boolean, logs: string[], timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      const tails = logs.map((f) => {
        try { return `${path.basename(f)}: ${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`; } catch { return ''; }
      });
      throw new Error(`${what} within ${timeoutMs} ms\n${tails.join('\n')}`);
    }
    await sleep(50);
  }
}

export async function startSlurm(): Promise<SlurmCluster> {
  for (const tool of ['munged', 'slurmctld', 'slurmd', 'sbatch']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is not installed: \`bash scripts/setup.sh test\` installs slurmctld, slurmd, slurm-client and munge`);
    }
  }
  const tmp = tempDir('cairn-slurm-');
  const d = tmp.dir;
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(path.join(d, sub), { recursive: true });
  chmodSync(path.join(d, 'munge'), 0o711);
  const conf = path.join(d, 'slurm.conf');
  const env = { SLURM_CONF: conf };
  const childEnv = { ...process.env, ...env };
  const sock = path.join(d, 'munge', 'munge.sock');
  const key = path.join(d, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const pids: number[] = [];
  const daemon = (cmd: string, args: string[], log: string) => {
    const fd = openSync(path.join(d, 'log', log), 'a');
    const child = spawn(cmd, args, { env: childEnv, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    pids.push(child.pid!);
    return child.pid!;
  };
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { env: childEnv, encoding: 'utf8', timeout: 10000 });
  const logs = ['munged.out', 'slurmctld.log', 'slurmd.log', 'slurmctld.out', 'slurmd.out'].map((f) => path.join(d, 'log', f));

  const stop = async () => {
    // Jobs first: once slurmctld is gone, slurmstepd ignores SIGTERM.
    ok('scancel', ['--full', '--quiet', '--user', os.userInfo().username]);
    for (const pid of [...pids].reverse()) kill(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (pids.some((p) => !isGone(p)) && Date.now() < deadline) await sleep(50);
    for (const pid of pids) if (!isGone(pid)) kill(pid, 'SIGKILL');
    // Job steps outlive a stopped slurmd (and ignore SIGTERM once slurmctld is gone): they, and whatever the jobs
    // started, must not write into the test's folders after it removed them.
    const left = clusterProcesses(conf);
    for (const pid of left) kill(pid, 'SIGKILL');
    while (left.some((p) => !isGone(p)) && Date.now() < deadline + 5000) await sleep(50);
    const stuck = [...pids, ...left].filter((p) => !isGone(p));
    tmp.cleanup();
    if (stuck.length) throw new Error(`slurm daemons or job processes did not stop: ${stuck.join(', ')}`);
  };

  try {
    daemon('munged', ['-F', '--force', `--key-file=${key}`, `--socket=${sock}`, `--pid-file=${path.join(d, 'munge', 'munged.pid')}`,
      `--log-file=${path.join(d, 'log', 'munged.log')}`, `--seed-file=${path.join(d, 'munge', 'seed')}`], 'munged.out');
    await waitFor('munged did not answer', () => {
      const cred = ok('munge', ['-n', '-S', sock]);
      return cred.status === 0 && spawnSync('unmunge', ['-S', sock], { input: cred.stdout, encoding: 'utf8' }).status === 0;
    }, logs);
    const taken = new Set<number>();
    const ctldPort = await freeLowPort(taken);
    const slurmdPort = await freeLowPort(taken);
    // The node line from `slurmd -C`, so the node never drains for "low CPUs/memory".
    const hw = ok('slurmd', ['-C']).stdout.split('\n')[0].replace(/^NodeName=\S+\s*/, '');
    const user = os.userInfo().username;
    writeFileSync(conf, [
      'ClusterName=cairntest', 'SlurmctldHost=localhost', `SlurmctldPort=${ctldPort}`, `SlurmdPort=${slurmdPort}`,
      'CommunicationParameters=NoInAddrAny,NoCtldInAddrAny',
      `SlurmUser=${user}`, `SlurmdUser=${user}`, 'AuthType=auth/munge', 'CredType=cred/munge', `AuthInfo=socket=${sock}`,
      `StateSaveLocation=${d}/state`, `SlurmdSpoolDir=${d}/spool`, `SlurmctldPidFile=${d}/ctld.pid`, `SlurmdPidFile=${d}/d.pid`,
      `SlurmctldLogFile=${d}/log/slurmctld.log`, `SlurmdLogFile=${d}/log/slurmd.log`,
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none', 'JobCompType=jobcomp/filetxt', `JobCompLoc=${d}/log/jobcomp.log`,
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core', 'SchedulerType=sched/backfill',
      'SchedulerParameters=batch_sched_delay=0,sched_min_interval=0',
      'MpiDefault=none', 'SwitchType=switch/none', 'ReturnToService=2', 'MinJobAge=300', 'KillWait=2', 'MailProg=/bin/true',
      'DependencyParameters=kill_invalid_depend',
      `NodeName=localhost NodeHostname=${os.hostname()} NodeAddr=127.0.0.1 ${hw} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    daemon('slurmctld', ['-D'], 'slurmctld.out');
    await waitFor('slurmctld did not come up', () => /is UP/.test(ok('scontrol', ['ping']).stdout), logs);
    daemon('slurmd', ['-D', '-N', 'localhost'], 'slurmd.out');
    await waitFor('the node did not become idle', () => ok('sinfo', ['-h', '-n', 'localhost', '-o', '%T']).stdout.trim() === 'idle', logs);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const run = (cmd: string, args: string[]) => {
    const r = ok(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
    return r.stdout;
  };
  const drain = async (timeoutMs = 20000) => {
    await waitFor('jobs still pending or running', () => run('squeue', ['-h', '-t', 'PD,R,CG', '-o', '%i']).trim() === '', logs, timeoutMs);
  };
  return { env, confDir: d, run, drain, stop };
}

/**
 * For a `describe` block: a cluster and a cairn repository (`cairn init` done) whose environment points at it,
 * started in `before` and stopped in `after` (also when a test fails). Read the fields inside tests.
 */
export function slurmRepo(hooks: { before: (fn: () => Promise<void>) => void; after: (fn: () => Promise<void>) => void }) {
  const state = {} as { cluster: SlurmCluster; repo: ReturnType<typeof tempGitRepo>; env: Record<string, string> };
  hooks.before(async () => {
    state.cluster = await startSlurm();
    state.repo = tempGitRepo();
    state.env = { ...state.repo.env, ...state.cluster.env };
    const init = await cairn(state.repo.dir, ['init'], state.env);
    if (init.code !== 0) throw new Error(`cairn init failed: ${init.stderr}`);
  });
  hooks.after(async () => {
    await state.cluster?.stop();
    state.repo?.cleanup();
  });
  return state;
}

/** `cairn ARGS` in the background, its output collected, for tests that act while it runs (Ctrl-C, a time limit). */
export function cairnInBackground(cwd: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd, env: { ...testEnv(env.HOME ?? cwd), ...env } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const code = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child, out, code,
    /** Waits (up to `timeoutMs`) until its stdout matches. */
    async waitForStdout(pattern: RegExp, timeoutMs = 20000): Promise<boolean> {
      for (const deadline = Date.now() + timeoutMs; !pattern.test(out.stdout) && Date.now() < deadline;) await sleep(50);
      return pattern.test(out.stdout);
    },
  };
}
