"""Bad keys and values are refused before anything is buffered, with a ValueError naming the key."""
import os
import socket

from support import InProcessTest, TempDirTest, clean_env, run_python


class Keys(InProcessTest):
    def test_invalid_metric_param_and_tag_keys_are_refused_by_name_and_nothing_is_written(self):
        cairn = self.cairn
        cairn.start_run()
        bad = ["", "a:b", "naïve", "a//b", "a/./b", "/abs", "../up", "trailing/", ".", "x" * 251, 3]
        for key in bad:
            for call in (lambda k: cairn.log_metric(k, 1), lambda k: cairn.log_param(k, 1),
                         lambda k: cairn.set_tag(k, "v"), lambda k: cairn.log_metrics({k: 1})):
                with self.assertRaises(ValueError) as caught:
                    call(key)
                message = str(caught.exception)
                self.assertTrue(message.startswith("cairn: "), message)
                if key and isinstance(key, str) and len(key) <= 250:
                    self.assertIn(repr(key), message)
        self.assertEqual(self.lines(), [])

    def test_valid_keys_use_mlflows_characters(self):
        cairn = self.cairn
        cairn.start_run()
        for key in ("loss", "train/loss", "val loss", "a-b_c.d", "x" * 250):
            cairn.log_metric(key, 1, timestamp=1)
        self.assertEqual(len(self.lines()), 5)

    def test_non_numeric_metric_values_and_steps_are_refused(self):
        cairn = self.cairn
        cairn.start_run()
        with self.assertRaisesRegex(ValueError, "metric 'loss': value 'high' is not a number"):
            cairn.log_metric("loss", "high")
        with self.assertRaisesRegex(ValueError, "step must be an integer"):
            cairn.log_metric("loss", 1, step=1.5)
        with self.assertRaisesRegex(ValueError, "timestamp"):
            cairn.log_metric("loss", 1, timestamp="now")
        self.assertEqual(self.lines(), [])

    def test_a_param_cannot_change_within_the_process_but_may_be_logged_again_with_the_same_value(self):
        cairn = self.cairn
        cairn.start_run()
        cairn.log_param("lr", 0.1)
        cairn.log_param("lr", "0.1")  # the same stored string
        with self.assertRaisesRegex(ValueError, "param 'lr' was already logged with value '0.1'"):
            cairn.log_param("lr", 0.2)
        with self.assertRaisesRegex(ValueError, "param 'lr'"):
            cairn.log_params({"depth": 3, "lr": 0.3})
        self.assertEqual(len(self.lines()), 2)  # the refused log_params wrote nothing, not even depth

    def test_over_long_values_are_refused(self):
        cairn = self.cairn
        cairn.start_run()
        with self.assertRaisesRegex(ValueError, "param 'p': value is 6001 characters long; the limit is 6000"):
            cairn.log_param("p", "x" * 6001)
        with self.assertRaisesRegex(ValueError, "tag 't': value is 8001 characters long; the limit is 8000"):
            cairn.set_tag("t", "x" * 8001)

    def test_logging_to_an_ended_run_is_an_error(self):
        cairn = self.cairn
        with cairn.start_run(nested=True) as child:
            pass
        with self.assertRaisesRegex(RuntimeError, "has ended"):
            child.log_metric("a", 1)
        with self.assertRaisesRegex(ValueError, "status must be one of"):
            cairn.end_run("DONE")


class WhereRunsGo(TempDirTest):
    def test_outside_a_repository_and_a_stage_the_error_says_what_to_do(self):
        r = run_python("import cairn; cairn.start_run()", cwd=self.tmp, env=clean_env())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cairn.CairnError", r.stderr.replace("_target.", ""))
        self.assertIn("no cairn repository here", r.stderr)
        self.assertIn("cairn init", r.stderr)
        self.assertIn("CAIRN_EVENTS", r.stderr)

    def test_a_tracking_server_that_is_down_keeps_the_run_in_the_outbox_and_says_how_to_send_it(self):
        root = self.repo()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        uri = "http://ann:s3cret@127.0.0.1:%d" % port
        r = run_python("import cairn\nwith cairn.start_run() as run:\n    cairn.log_metric('loss', 0.5)\nprint(run.info.run_id)",
                       cwd=root, env=clean_env(CAIRN_TRACKING_URI=uri))
        self.assertEqual(r.returncode, 0, r.stderr)
        run_id = r.stdout.strip()
        self.assertIn("could not reach the tracking server http://ann:***@127.0.0.1:%d" % port, r.stderr)
        self.assertNotIn("s3cret", r.stderr)
        outbox = os.path.join(root, ".cairn", "tracking", "outbox", run_id + ".jsonl")
        self.assertIn("cairn runs ingest %s" % outbox, r.stderr)
        with open(outbox) as f:
            self.assertIn('"metric":"loss"', f.read())

    def test_a_malformed_stage_run_id_is_refused(self):
        r = run_python("import cairn; cairn.start_run()", cwd=self.tmp,
                       env=clean_env(CAIRN_RUN_ID="nope", CAIRN_EVENTS=os.path.join(self.tmp, "e.jsonl")))
        self.assertIn("CAIRN_RUN_ID must be a run id of 32 lowercase hex characters, got 'nope'", r.stderr)


class ServerCredentials(TempDirTest):
    def test_tokens_and_basic_auth_are_sent_as_mlflow_clients_send_them(self):
        from cairn._server import _authorization, redact
        self.assertEqual(_authorization("http://h:5000", {"CAIRN_TRACKING_TOKEN": "t1", "MLFLOW_TRACKING_TOKEN": "t2"}), "Bearer t1")
        self.assertEqual(_authorization("http://h:5000", {"MLFLOW_TRACKING_TOKEN": "t2"}), "Bearer t2")
        self.assertEqual(_authorization("http://h:5000", {"MLFLOW_TRACKING_USERNAME": "bob", "MLFLOW_TRACKING_PASSWORD": "pw"}),
                         "Basic Ym9iOnB3")
        self.assertEqual(_authorization("http://ann:s%40cret@h:5000", {}), "Basic YW5uOnNAY3JldA==")
        self.assertIsNone(_authorization("http://h:5000", {}))
        self.assertEqual(redact("http://ann:secret@h:5000/x"), "http://ann:***@h:5000/x")

    def test_a_malformed_server_url_is_refused_before_anything_is_written(self):
        root = self.repo()
        for uri in ("http://", "http://host:notaport"):
            r = run_python("import cairn; cairn.start_run()", cwd=root, env=clean_env(CAIRN_TRACKING_URI=uri))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("is not a valid tracking server URL", r.stderr)
            self.assertIn("CairnError", r.stderr)
        outbox = os.path.join(root, ".cairn", "tracking", "outbox")
        self.assertEqual(os.listdir(outbox) if os.path.isdir(outbox) else [], [])

