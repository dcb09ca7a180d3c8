import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CAIRN_BIN, PROJECT_ROOT, sh, tempDir } from '../helpers/cli.js';
import { pipelineRepo } from '../helpers/pipelineRepo.js';

/**
 * docs/ci.md, executed: every `run:` step of its GitHub Actions workflows and every `script:` line of its GitLab CI
 * jobs runs, in order, in a fresh clone of a local bare repository, with a directory as the data remote. Skipped,
 * and only these: the install step (the built cairn is on PATH instead), steps that talk to the GitHub or GitLab
 * API, and `cairn model` steps while `cairn model --help` fails in this build (so they run once the registry is in).
 */

interface Step { name: string; script: string; env: Record<string, string> }

const blocks = [...readFileSync(path.join(PROJECT_ROOT, 'docs/ci.md'), 'utf8').matchAll(/```yaml\n# (\S+)\n([\s\S]*?)```/g)]
  .map((m) => ({ file: m[1], doc: parseYaml(m[2]) as Record<string, any> }));

function modelCommandMissing(): boolean {
  return spawnSync(process.execPath, [CAIRN_BIN, 'model', '--help'], { encoding: 'utf8' }).status !== 0;
}

/** Why a command is not run, or null to run it. */
function skipReason(script: string, modelMissing: boolean): string | null {
  if (/^\s*npm install -g cairn\s*$/.test(script)) return 'install: the built cairn is on PATH';
  if (/gh pr comment|\$CI_API_V4_URL/.test(script)) return 'GitHub/GitLab API';
  if (/\bcairn model /.test(script) && modelMissing) return '`cairn model --help` fails in this build';
  return null;
}

/** `${{ ... }}` as GitHub would fill it in for the test; an expression the test does not know fails it. */
function expand(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    assert.ok(expr in values, `docs/ci.md uses \${{ ${expr} }}: add a value for it to the test`);
    return values[expr];
  });
}

function githubSteps(doc: Record<string, any>, values: Record<string, string>): Step[] {
  const env = (e: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(e ?? {}).map(([k, v]) => [k, expand(String(v), values)]));
  return Object.values(doc.jobs as Record<string, any>).flatMap((job) => (job.steps as any[])
    .filter((s) => typeof s.run === 'string')
    .map((s) => ({ name: s.name ?? s.run, script: expand(s.run, values), env: { ...env(doc.env), ...env(job.env), ...env(s.env) } })));
}

/** GitLab runs a job's before_script and script lines in one shell, stopping at the first failure. */
function gitlabJob(doc: Record<string, any>, job: string, modelMissing: boolean): { script: string; skipped: string[] } {
  const lines = [...(doc.default?.before_script ?? []), ...doc[job].script] as string[];
  const skipped = lines.filter((l) => skipReason(l, modelMissing));
  return { script: ['set -eo pipefail', ...lines.filter((l) => !skipReason(l, modelMissing))].join('\n'), skipped };
}

/** Everything the steps of the current job printed, for assertions on what ran. */
let jobOutput = '';

function bash(cwd: string, script: string, env: Record<string, string>) {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${script}\nfailed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  jobOutput += r.stdout + r.stderr;
  return r.stdout;
}

describe('docs/ci.md, run against a bare repository and a directory remote', () => {
  const base = tempDir();
  const origin = path.join(base.dir, 'origin.git');
  const store = path.join(base.dir, 'store');
  const bin = path.join(base.dir, 'bin');
  let project: Awaited<ReturnType<typeof pipelineRepo>>;
  let modelMissing = true;
  let env: Record<string, string>;
  let clones = 0;

  before(async () => {
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'cairn'), `#!/bin/sh\nexec '${process.execPath}' '${CAIRN_BIN}' "$@"\n`);
    chmodSync(path.join(bin, 'cairn'), 0o755);
    modelMissing = modelCommandMissing();
    project = await pipelineRepo({ plots: true });
    env = { ...project.env, PATH: `${bin}:${project.env.PATH}`, CI: 'true' };
    sh(project.dir, `git init -q --bare -b main ${origin} && git remote add origin ${origin} && git push -q origin main`, env);
    sh(project.dir, `cairn remote add --local -d store ${store} && cairn push -q`, env);
    // The pull request: another learning rate, not yet reproduced (CI does it).
    sh(project.dir, "git checkout -qb feature && sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && git commit -qam 'lr 0.2' && git push -q origin feature && git checkout -q main", env);
  });
  after(() => {
    project?.cleanup();
    base.cleanup();
  });

  /** A fresh clone of origin at `ref`, as the CI checkout step makes it. */
  function checkout(ref: string): string {
    const dir = path.join(base.dir, `clone-${++clones}`);
    sh(base.dir, `git clone -q ${origin} ${dir} && cd ${dir} && git checkout -q ${ref}`, env);
    return dir;
  }

  /** A teammate commits new data on main without retraining. */
  function newDataOnMain(line: string) {
    const dir = checkout('main');
    sh(dir, `cairn remote add --local -d store ${store} && cairn pull -q && echo ${line} >> data/raw.csv && cairn add -q data/raw.csv && git commit -qam "more data" && cairn push -q && git push -q origin main`, env);
  }

  const github = (file: string) => blocks.find((b) => b.file === file)!.doc;
  const values = { 'secrets.CAIRN_REMOTE_URL': store, 'github.token': 'test-token', 'github.event.number': '1' };
  function runGithub(file: string, dir: string, extra: Record<string, string>): string[] {
    jobOutput = '';
    const skipped: string[] = [];
    for (const step of githubSteps(github(file), values)) {
      const why = skipReason(step.script, modelMissing);
      if (why) skipped.push(`${step.name}: ${why}`);
      else bash(dir, step.script, { ...env, ...extra, ...step.env });
    }
    return skipped;
  }
  const gitlab = () => blocks.find((b) => b.file === '.gitlab-ci.yml')!.doc;
  function runGitlab(job: string, dir: string, extra: Record<string, string>): string[] {
    jobOutput = '';
    const { script, skipped } = gitlabJob(gitlab(), job, modelMissing);
    const vars = Object.fromEntries(Object.entries(gitlab().variables ?? {}).map(([k, v]) => [k, String(v)]));
    bash(dir, script, { ...env, ...vars, CAIRN_REMOTE_URL: store, CI_DEFAULT_BRANCH: 'main', ...extra });
    return skipped;
  }

  it('has the four GitHub workflows and the GitLab jobs, and skips only the install, API and (missing) model steps', () => {
    assert.deepEqual(blocks.map((b) => b.file), ['.github/workflows/cairn-pr.yml', '.github/workflows/cairn-main.yml', '.github/workflows/cairn-retrain.yml', '.github/workflows/cairn-release.yml', '.gitlab-ci.yml']);
    assert.deepEqual(Object.keys(gitlab()).filter((k) => gitlab()[k]?.script), ['reproduce', 'share', 'retrain', 'release']);
    const skippable = blocks.flatMap((b) => (b.file === '.gitlab-ci.yml'
      ? ['reproduce', 'share', 'retrain', 'release'].flatMap((j) => gitlabJob(b.doc, j, true).skipped)
      : githubSteps(b.doc, values).filter((s) => skipReason(s.script, true)).map((s) => s.name)));
    assert.equal(skippable.filter((s) => /npm install -g cairn|Install cairn/.test(s)).length, 8);
    assert.equal(skippable.filter((s) => /gh pr comment|CI_API_V4_URL|Comment on/.test(s)).length, 2);
    assert.equal(skippable.filter((s) => /cairn model|Register|Promote/.test(s)).length, 4);
    assert.equal(skippable.length, 14);
  });

  for (const system of ['github', 'gitlab'] as const) {
    it(`${system}: a pull request is reproduced and its report shows the new metric against main`, () => {
      const dir = checkout('feature');
      if (system === 'github') runGithub('.github/workflows/cairn-pr.yml', dir, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature' });
      else runGitlab('reproduce', dir, { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
      const report = readFileSync(path.join(dir, 'report.md'), 'utf8');
      assert.match(report, /^## cairn report: [0-9a-f]{8} → workspace$/m);
      assert.match(report, /^\| metrics\.json \| lr \| 0\.1 \| 0\.2 \| \+0\.1  \(\+100%\) \|$/m);
      assert.match(report, /^\| params\.yaml \| train\.lr \| 0\.1 \| 0\.2 \|$/m);
      assert.match(report, /^!\[loss\]\(report_plots\/loss\.svg\)$/m);
      assert.ok(existsSync(path.join(dir, 'report_plots/loss.svg')));
    });

    it(`${system}: a push to main pushes the data and shares experiments through the Git remote`, () => {
      const dir = checkout('main');
      if (system === 'github') runGithub('.github/workflows/cairn-main.yml', dir, { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'main' });
      else runGitlab('share', dir, { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' });
      const refs = sh(base.dir, `git --git-dir=${origin} for-each-ref --format='%(refname)' refs/cairn/exps/`).trim().split('\n').filter(Boolean);
      assert.ok(refs.length >= 2, `experiments on origin: ${refs.join(', ')}`);
      assert.match(jobOutput, /train\.lr/, 'the experiments ran with their params');
      const status = JSON.parse(sh(dir, 'cairn status --remote --json', env));
      assert.equal(status.clean, true);
    });

    it(`${system}: the scheduled job retrains only when the data changed, and pushes the commit and its data`, () => {
      newDataOnMain(system === 'github' ? '7,8' : '9,10');
      const before = sh(base.dir, `git --git-dir=${origin} rev-parse main`).trim();
      const dir = checkout('main');
      const job = () => (system === 'github'
        ? runGithub('.github/workflows/cairn-retrain.yml', dir, { GITHUB_EVENT_NAME: 'schedule', GITHUB_REF_NAME: 'main' })
        : runGitlab('retrain', dir, { CI_PIPELINE_SOURCE: 'schedule', CI_COMMIT_BRANCH: 'main' }));
      job();
      assert.equal(sh(base.dir, `git --git-dir=${origin} log -1 --format=%s main`).trim(), 'retrain on the new data');
      assert.equal(sh(base.dir, `git --git-dir=${origin} rev-parse main~1`).trim(), before);
      // A fresh clone gets the retrained outputs from the remote, up to date.
      const fresh = checkout('main');
      sh(fresh, `cairn remote add --local -d store ${store} && cairn pull -q`, env);
      assert.equal(spawnSync('cairn', ['status', '--exit-code'], { cwd: fresh, env }).status, 0);
      // Nothing new: the job says so and commits nothing.
      const again = checkout('main');
      const head = sh(base.dir, `git --git-dir=${origin} rev-parse main`).trim();
      if (system === 'github') runGithub('.github/workflows/cairn-retrain.yml', again, {});
      else runGitlab('retrain', again, { CI_PIPELINE_SOURCE: 'schedule' });
      assert.match(jobOutput, /the data did not change since the last training/);
      assert.equal(sh(base.dir, `git --git-dir=${origin} rev-parse main`).trim(), head);
    });

    it(`${system}: a release tag is verified to reproduce, then registered and promoted behind the gate`, () => {
      // A release of each system's own retrained commit: the registry refuses a second version on one commit.
      const tag = system === 'github' ? 'v1.0.0' : 'v1.1.0';
      sh(base.dir, `git --git-dir=${origin} tag ${tag} main`);
      const dir = checkout(tag);
      const skipped = system === 'github'
        ? runGithub('.github/workflows/cairn-release.yml', dir, { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: tag, GITHUB_REF_TYPE: 'tag' })
        : runGitlab('release', dir, { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: tag });
      assert.match(jobOutput, new RegExp(`Reproduced: all 4 output\\(s\\) of ${tag}`));
      const tags = sh(base.dir, `git --git-dir=${origin} tag --list`).split('\n');
      if (modelMissing) {
        assert.ok(skipped.some((s) => /cairn model|Register/.test(s)), 'the model steps are skipped, and said to be');
        return;
      }
      assert.ok(tags.includes(`model@${tag}`), `tags on origin: ${tags.join(' ')}`);
      assert.ok(tags.some((t) => /^model#prod#\d+$/.test(t)), `tags on origin: ${tags.join(' ')}`);
    });
  }
});
