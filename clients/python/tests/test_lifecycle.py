"""How runs start and end in a real process: own runs in a repository, exit, exceptions, SIGTERM, buffering, fork."""
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

from support import CLIENT_DIR, RUN_ID, TempDirTest, clean_env, read_lines, run_python


class OwnRuns(TempDirTest):
    def fake_cairn(self):
        """An executable standing in for `cairn` that records how it was called."""
        calls = os.path.join(self.tmp, "calls.txt")
        script = os.path.join(self.tmp, "fake-cairn")
        with open(script, "w") as f:
            f.write('#!/bin/sh\necho "$PWD $*" >> %s\n' % calls)
        os.chmod(script, os.stat(script).st_mode | stat.S_IEXEC)
        return script, calls

    def test_outside_a_stage_a_run_is_a_pending_file_in_the_repo_ingested_through_cairn_when_it_ends(self):
        root = self.repo()
        script, calls = self.fake_cairn()
        code = ("import cairn\n"
                "with cairn.start_run(name='sweep', experiment='tuning', tags={'k': 'v'}) as run:\n"
                "    cairn.log_param('lr', 0.1)\n"
                "    cairn.log_metric('loss', 0.5, step=1, timestamp=7)\n"
                "    print(run.id)\n")
        r = run_python(code, cwd=os.path.join(root), env=clean_env(CAIRN_BIN=script))
        self.assertEqual(r.returncode, 0, r.stderr)
        run_id = r.stdout.strip()
        (pending,) = self.pending_files(root)
        self.assertEqual(os.path.basename(pending), run_id + ".jsonl")
        lines = read_lines(pending)
        start = lines[0]["run"]
        self.assertEqual((start["id"], start["name"], start["experiment"]), (run_id, "sweep", "tuning"))
        self.assertEqual(start["tags"]["k"], "v")
        self.assertEqual(start["tags"]["mlflow.source.type"], "LOCAL")
        self.assertEqual(lines[1:3], [{"param": "lr", "value": "0.1"},
                                      {"metric": "loss", "value": 0.5, "step": 1, "timestamp": 7}])
        self.assertEqual(lines[3]["end"]["status"], "FINISHED")
        self.assertEqual(len(lines), 4)
        with open(calls) as f:
            self.assertEqual(f.read(), "%s runs ingest %s\n" % (root, pending))

    def test_without_cairn_to_ingest_the_file_stays_pending_and_the_warning_says_so(self):
        root = self.repo()
        r = run_python("import cairn\ncairn.log_metric('a', 1)\n", cwd=root, env=self.no_cairn_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("could not run `%s runs ingest`" % os.path.join(self.tmp, "no-cairn"), r.stderr)
        self.assertIn("the next `cairn runs` or `cairn exp` command", r.stderr)
        (pending,) = self.pending_files(root)
        self.assertEqual(read_lines(pending)[-1]["end"]["status"], "FINISHED")  # ended at exit (atexit)

    def test_a_nested_run_outside_a_stage_goes_in_the_parents_file(self):
        root = self.repo()
        code = ("import cairn\n"
                "with cairn.start_run() as parent:\n"
                "    with cairn.start_run(nested=True) as child:\n"
                "        cairn.log_metric('a', 1)\n")
        r = run_python(code, cwd=root, env=self.no_cairn_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        (pending,) = self.pending_files(root)
        lines = read_lines(pending)
        parent_id = lines[0]["run"]["id"]
        self.assertEqual(lines[1]["run"]["parent"], parent_id)
        child_id = lines[1]["run"]["id"]
        self.assertEqual([l.get("run_id") for l in lines[2:]], [child_id, child_id, None])
        self.assertEqual([next(iter(l)) for l in lines], ["run", "run", "metric", "end", "end"])

    def test_a_script_can_write_its_own_events_file_with_CAIRN_EVENTS_alone(self):
        events = os.path.join(self.tmp, "logs", "mine.jsonl")
        r = run_python("import cairn\ncairn.log_metric('a', 1)\n", cwd=self.tmp, env=clean_env(CAIRN_EVENTS=events))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = read_lines(events)
        self.assertEqual([next(iter(l)) for l in lines], ["run", "metric", "end"])
        self.assertNotIn("run_id", lines[1])  # the first run line of the file is its default run


class MlflowScripts(TempDirTest):
    def test_a_script_written_for_mlflows_fluent_api_runs_with_import_cairn_as_mlflow(self):
        root = self.repo()
        code = ("import cairn as mlflow\n"
                "mlflow.set_experiment('quickstart')\n"
                "with mlflow.start_run(run_name='rf', description='random forest') as run:\n"
                "    mlflow.log_param('n_estimators', 100)\n"
                "    mlflow.log_params({'max_depth': 5, 'criterion': 'gini'}, synchronous=True)\n"
                "    for epoch in range(3):\n"
                "        mlflow.log_metric(key='quality', value=2 * epoch, step=epoch, synchronous=False)\n"
                "    mlflow.log_metrics({'acc': 0.9}, step=2)\n"
                "    mlflow.set_tag('release.version', '2.2.0')\n"
                "    mlflow.log_text('hello', 'notes/readme.txt')\n"
                "    assert mlflow.active_run().info.run_id == run.info.run_id\n"
                "mlflow.end_run()\n"
                "assert mlflow.active_run() is None and run.info.status == 'FINISHED'\n")
        r = run_python(code, cwd=root, env=self.no_cairn_env())
        self.assertEqual(r.returncode, 0, r.stderr)
        (pending,) = self.pending_files(root)
        lines = read_lines(pending)
        start = lines[0]["run"]
        self.assertEqual((start["name"], start["experiment"]), ("rf", "quickstart"))
        self.assertEqual(start["tags"]["mlflow.note.content"], "random forest")
        self.assertEqual([l["value"] for l in lines if l.get("metric") == "quality"], [0, 2, 4])
        self.assertEqual(lines[-2], {"artifact": os.path.basename(pending) + ".d/1/readme.txt", "path": "notes"})
        self.assertEqual(lines[-1]["end"]["status"], "FINISHED")


class IngestCommand(TempDirTest):
    def test_cairn_bin_wins_then_the_cli_of_the_cairn_package_the_client_came_with(self):
        from cairn import _target
        self.assertEqual(_target.cairn_command({"CAIRN_BIN": "/opt/cairn"}), ["/opt/cairn"])
        package_cli = os.path.join(os.path.dirname(os.path.dirname(CLIENT_DIR)), "bin", "cairn.js")
        self.assertTrue(os.path.isfile(package_cli), "these tests run from a cairn checkout")
        node = shutil.which("node")
        if node is None:
            self.skipTest("node is not installed")
        self.assertEqual(_target.cairn_command({}), [node, package_cli])


class Endings(TempDirTest):
    def test_an_unhandled_exception_ends_the_run_failed_after_printing_the_traceback(self):
        env = self.stage_env()
        code = ("import cairn\n"
                "run = cairn.start_run(nested=True)\n"
                "cairn.log_metric('a', 1)\n"
                "raise RuntimeError('boom')\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("RuntimeError: boom", r.stderr)
        lines = read_lines(self.events)
        self.assertEqual(lines[-1]["end"]["status"], "FAILED")
        self.assertEqual(lines[1]["metric"], "a")

    def test_an_exception_leaving_the_with_block_ends_the_run_failed(self):
        root = self.repo()
        code = ("import cairn\n"
                "try:\n"
                "    with cairn.start_run():\n"
                "        cairn.log_metric('a', 1)\n"
                "        raise ValueError('bad batch')\n"
                "except ValueError:\n"
                "    pass\n"
                "with cairn.start_run():\n"
                "    raise KeyboardInterrupt\n")
        r = run_python(code, cwd=root, env=self.no_cairn_env())
        statuses = sorted((read_lines(p)[0]["run"]["start_time"], read_lines(p)[-1]["end"]["status"])
                          for p in self.pending_files(root))
        self.assertEqual([s for _, s in statuses], ["FAILED", "KILLED"])
        self.assertNotEqual(r.returncode, 0)

    def test_sys_exit_0_in_the_with_block_is_a_finished_run_and_sys_exit_3_a_failed_one(self):
        env = self.stage_env()
        for code, status in ((0, "FINISHED"), (3, "FAILED")):
            run_python("import cairn, sys\nwith cairn.start_run(nested=True):\n    sys.exit(%d)\n" % code,
                       cwd=self.tmp, env=env)
            self.assertEqual(read_lines(self.events)[-1]["end"]["status"], status)

    def start_and_wait(self, code, env, cwd):
        child = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, universal_newlines=True)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        self.assertEqual(child.stdout.readline().strip(), "ready")
        return child

    def terminate(self, child):
        """Sends SIGTERM and waits for the child to be gone; returns its exit status."""
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        child.stdout.close()
        child.stderr.close()
        return child.returncode

    def test_sigterm_flushes_every_line_and_ends_the_run_killed_then_dies_of_the_signal(self):
        root = self.repo()
        code = ("import cairn, time\n"
                "cairn.start_run()\n"
                "for i in range(1000):\n"
                "    cairn.log_metric('loss', 1.0 / (i + 1), step=i)\n"
                "print('ready', flush=True)\n"
                "time.sleep(60)\n")
        child = self.start_and_wait(code, self.no_cairn_env(), root)
        self.assertEqual(self.terminate(child), -signal.SIGTERM)
        (pending,) = self.pending_files(root)
        lines = read_lines(pending)
        self.assertEqual(len([l for l in lines if "metric" in l]), 1000)
        self.assertEqual(lines[-1]["end"]["status"], "KILLED")

    def test_a_sigterm_arriving_during_a_flush_waits_for_that_flush_then_ends_the_run(self):
        env = self.stage_env()
        code = ("import cairn, os, signal\n"
                "run = cairn.start_run(nested=True)\n"
                "cairn.log_metric('a', 1)\n"
                "writer = run._writer\n"
                "writer.main_flushing = True  # as if the signal interrupted flush() on this thread\n"
                "os.kill(os.getpid(), signal.SIGTERM)\n"
                "print('deferred', flush=True)\n"
                "writer.flush()\n"
                "print('not reached', flush=True)\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.stdout, "deferred\n")
        self.assertEqual(r.returncode, -signal.SIGTERM)
        lines = read_lines(self.events)
        self.assertEqual([next(iter(l)) for l in lines], ["run", "metric", "end"])
        self.assertEqual(lines[-1]["end"]["status"], "KILLED")

    def test_the_flush_thread_blocks_sigterm_so_the_kernel_hands_it_to_a_thread_that_can_act(self):
        # A SIGTERM delivered to the flush thread would wait for a main thread blocked in sleep() to wake up.
        if not os.path.isdir("/proc/self/task"):
            self.skipTest("needs Linux's /proc to read a thread's signal mask")
        code = ("import cairn, threading\n"
                "cairn.start_run()\n"
                "(t,) = [t for t in threading.enumerate() if t.name == 'cairn-events-flush']\n"
                "status = open('/proc/self/task/%d/status' % t.native_id).read()\n"
                "print(status.split('SigBlk:')[1].split()[0])\n")
        r = run_python(code, cwd=self.tmp, env=self.stage_env())
        blocked = int(r.stdout, 16)
        for sig in (signal.SIGTERM, signal.SIGINT):
            self.assertTrue(blocked & (1 << (sig - 1)), "%s is blocked in the flush thread" % sig.name)

    def test_a_run_started_from_another_thread_gets_the_sigterm_handler_at_the_next_start_on_the_main_thread(self):
        env = self.stage_env()
        code = ("import cairn, signal, threading\n"
                "t = threading.Thread(target=lambda: cairn.start_run(nested=True).end())\n"
                "t.start(); t.join()\n"
                "print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)\n"
                "cairn.start_run(nested=True)\n"
                "print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.stdout.split(), ["True", "False"], r.stderr)

    def test_sigterm_calls_the_users_own_handler_and_the_run_goes_on_if_that_handler_returns(self):
        env = self.stage_env()
        code = ("import cairn, signal, time\n"
                "seen = []\n"
                "signal.signal(signal.SIGTERM, lambda s, f: seen.append(s))\n"
                "cairn.start_run(nested=True)\n"
                "cairn.log_metric('a', 1)\n"
                "print('ready', flush=True)\n"
                "while not seen:\n"
                "    time.sleep(0.01)\n"
                "cairn.log_metric('b', 2)\n"
                "cairn.end_run()\n")
        child = self.start_and_wait(code, env, self.tmp)
        self.assertEqual(self.terminate(child), 0)
        lines = read_lines(self.events)
        self.assertEqual([next(iter(l)) for l in lines], ["run", "metric", "metric", "end"])
        self.assertEqual(lines[-1]["end"]["status"], "FINISHED")


class Buffering(TempDirTest):
    def test_lines_wait_in_memory_then_are_written_within_a_second_without_any_call(self):
        env = self.stage_env()
        code = ("import cairn, os, time\n"
                "cairn.start_run()\n"
                "cairn.log_metric('a', 1)\n"
                "print(os.path.getsize(os.environ['CAIRN_EVENTS']), flush=True)\n"
                "time.sleep(1.6)\n"
                "print(os.path.getsize(os.environ['CAIRN_EVENTS']), flush=True)\n"
                "os._exit(0)\n")  # no atexit: only the flush thread can have written the line
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        before, after = (int(x) for x in r.stdout.split())
        self.assertEqual(before, 0)
        self.assertGreater(after, 0)
        self.assertEqual(read_lines(self.events)[0]["metric"], "a")

    def test_a_full_chunk_is_written_at_once_by_the_logging_thread(self):
        env = self.stage_env()
        code = ("import cairn, os\n"
                "from cairn import _writer\n"
                "cairn.start_run()\n"
                "for i in range(_writer.CHUNK_LINES):\n"
                "    cairn.log_metric('a', i, step=i)\n"
                "print(len(open(os.environ['CAIRN_EVENTS']).read().splitlines()), flush=True)\n"
                "os._exit(0)\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        from cairn import _writer
        self.assertEqual(int(r.stdout), _writer.CHUNK_LINES)

    def test_at_exit_every_buffered_line_is_written_and_the_stage_run_is_not_ended(self):
        env = self.stage_env()
        r = run_python("import cairn\nfor i in range(25000):\n    cairn.log_metric('a', i, step=i)\n",
                       cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = read_lines(self.events)
        self.assertEqual([l["step"] for l in lines], list(range(25000)))

    def test_threads_logging_at_once_while_every_thread_flushes_lose_and_repeat_nothing(self):
        env = self.stage_env()
        code = ("import cairn, threading\n"
                "run = cairn.start_run()\n"
                "run._writer.interval = 0.001  # the flush thread writes all the time too\n"
                "run._writer.chunk_lines = run._chunk = 50  # and so does every logging thread\n"
                "def work(t):\n"
                "    for i in range(20000):\n"
                "        cairn.log_metric('t%d' % t, i, step=i)\n"
                "threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]\n"
                "[t.start() for t in threads]\n"
                "[t.join() for t in threads]\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        by_key = {}
        for line in read_lines(self.events):
            by_key.setdefault(line["metric"], []).append(line["step"])
        self.assertEqual(sorted(by_key), ["t0", "t1", "t2", "t3"])
        for steps in by_key.values():
            self.assertEqual(steps, list(range(20000)))  # each thread's points, all there, once, in order

    def test_a_forked_child_writes_only_its_own_lines_and_never_ends_the_parents_run(self):
        env = self.stage_env()
        code = ("import cairn, os\n"
                "run = cairn.start_run(nested=True)\n"
                "cairn.log_metric('before_fork', 1)\n"
                "pid = os.fork()\n"
                "if pid == 0:\n"
                "    cairn.log_metric('child', 2)\n"
                "    raise SystemExit(0)\n"
                "os.waitpid(pid, 0)\n"
                "cairn.log_metric('parent', 3)\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        kinds = [l.get("metric") or next(iter(l)) for l in read_lines(self.events)]
        self.assertEqual(kinds, ["run", "before_fork", "child", "parent", "end"])

    def test_a_multiprocessing_child_flushes_what_it_logged_before_it_exits(self):
        env = self.stage_env()
        code = ("import cairn, multiprocessing as mp\n"
                "def work(i):\n"
                "    cairn.log_metric('worker', i, step=i)\n"
                "if __name__ == '__main__':\n"
                "    cairn.start_run()\n"
                "    ctx = mp.get_context('fork')\n"
                "    procs = [ctx.Process(target=work, args=(i,)) for i in range(3)]\n"
                "    [p.start() for p in procs]\n"
                "    [p.join() for p in procs]\n")
        r = run_python(code, cwd=self.tmp, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(l["step"] for l in read_lines(self.events)), [0, 1, 2])
