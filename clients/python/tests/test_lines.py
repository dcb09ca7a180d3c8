"""The exact lines the client writes (the events-file spec, docs/formats.md "Events file")."""
import json
import os

from support import RUN_ID, InProcessTest, raw_lines, read_lines


class StageRunLines(InProcessTest):
    def test_inside_a_stage_the_client_attaches_to_the_stage_run_and_writes_no_run_or_end_line(self):
        cairn = self.cairn
        with cairn.start_run() as run:
            self.assertEqual(run.id, RUN_ID)
            self.assertIs(cairn.active_run(), run)
            cairn.log_metric("loss", 0.5, step=3, timestamp=1000)
        self.assertIsNone(cairn.active_run())
        self.assertEqual(raw_lines(self.events), ['{"metric":"loss","value":0.5,"step":3,"timestamp":1000}'])

    def test_metric_values_are_floats_by_repr_ints_as_they_are_and_nan_infinity_as_the_spec_strings(self):
        cairn = self.cairn
        cairn.start_run()
        for i, value in enumerate([0.1, 1e-05, 1e16, 7, True, float("nan"), float("inf"), float("-inf"), 2 ** 60]):
            cairn.log_metric("m", value, step=i, timestamp=5)
        values = [line["value"] for line in self.lines()]
        self.assertEqual(values, [0.1, 1e-05, 1e16, 7, 1.0, "NaN", "Infinity", "-Infinity", float(2 ** 60)])
        self.assertIn('"value":1e-05,', raw_lines(self.events)[1])

    def test_a_metric_logged_without_step_or_timestamp_gets_step_0_and_the_time_of_the_call(self):
        import time
        before = int(time.time() * 1000)
        self.cairn.log_metric("acc", 0.9)  # no active run: starts (attaches to) one, as MLflow does
        line = self.lines()[0]
        self.assertEqual(line["step"], 0)
        self.assertTrue(before <= line["timestamp"] <= int(time.time() * 1000) + 1)
        self.assertEqual(sorted(line), ["metric", "step", "timestamp", "value"])

    def test_log_metrics_writes_one_line_for_several_keys(self):
        self.cairn.start_run()
        self.cairn.log_metrics({"a": 1, "b/c": 0.25, "d": float("nan")}, step=2, timestamp=9)
        self.cairn.flush()
        self.assertEqual(raw_lines(self.events), ['{"metrics":{"a":1,"b/c":0.25,"d":"NaN"},"step":2,"timestamp":9}'])

    def test_params_are_written_as_the_strings_mlflow_stores(self):
        cairn = self.cairn
        cairn.start_run()
        self.assertEqual(cairn.log_param("lr", 1e-05), 1e-05)
        cairn.log_params({"layers": [64, 32], "dropout": None, "fast": True, "name": "é\n\"x\""})
        self.assertEqual(self.lines(), [
            {"param": "lr", "value": "1e-05"},
            {"params": {"layers": "[64, 32]", "dropout": "None", "fast": "True", "name": "é\n\"x\""}},
        ])
        for line in raw_lines(self.events):
            line.encode("ascii")  # non-ASCII is escaped: the file is valid UTF-8 whatever the values hold

    def test_tags_datasets_and_start_run_tags(self):
        cairn = self.cairn
        cairn.start_run(tags={"team": "vision"})
        cairn.set_tag("phase", "warmup")
        cairn.set_tags({"a": 1})
        cairn.log_input("train", "ab" * 32, source="data/train.csv", context="training")
        self.assertEqual(self.lines(), [
            {"tags": {"team": "vision"}},
            {"tag": "phase", "value": "warmup"},
            {"tags": {"a": "1"}},
            {"dataset": {"name": "train", "digest": "ab" * 32, "source": "data/train.csv", "context": "training"}},
        ])


class Artifacts(InProcessTest):
    def test_an_artifact_is_copied_when_logged_and_named_relative_to_the_events_file(self):
        model = os.path.join(self.tmp, "model.bin")
        with open(model, "w") as f:
            f.write("v1")
        self.cairn.start_run()
        self.cairn.log_artifact(model, "checkpoints")
        with open(model, "w") as f:
            f.write("v2")  # changed after logging: the logged artifact keeps v1
        line = self.lines()[0]
        self.assertEqual(line, {"artifact": "events.jsonl.d/1/model.bin", "path": "checkpoints"})
        with open(os.path.join(self.tmp, line["artifact"])) as f:
            self.assertEqual(f.read(), "v1")

    def test_log_artifacts_logs_the_contents_of_a_folder(self):
        folder = os.path.join(self.tmp, "plots")
        os.makedirs(os.path.join(folder, "sub"))
        for rel in ("a.png", "sub/b.png"):
            with open(os.path.join(folder, rel), "w") as f:
                f.write(rel)
        self.cairn.start_run()
        self.cairn.log_artifacts(folder)
        line = self.lines()[0]
        self.assertEqual(line, {"artifact": "events.jsonl.d/1"})
        copy = os.path.join(self.tmp, line["artifact"])
        self.assertEqual(sorted(os.listdir(copy)), ["a.png", "sub"])

    def test_log_dict_writes_json_or_yaml_by_extension(self):
        cairn = self.cairn
        cairn.start_run()
        data = {"lr": 0.1, "opt": "yes", "layers": [1, {"k": None}], "empty": {}}
        cairn.log_dict(data, "config/params.json")
        cairn.log_dict(data, "params.yaml")
        json_line, yaml_line = self.lines()
        self.assertEqual(json_line["path"], "config")
        with open(os.path.join(self.tmp, json_line["artifact"])) as f:
            self.assertEqual(json.load(f), data)
        self.assertNotIn("path", yaml_line)
        with open(os.path.join(self.tmp, yaml_line["artifact"])) as f:
            self.assertEqual(f.read(), '"lr": 0.1\n"opt": "yes"\n"layers":\n  - 1\n  - "k": null\n"empty": {}\n')

    def test_artifact_paths_outside_the_run_and_missing_files_are_refused(self):
        cairn = self.cairn
        cairn.start_run()
        with self.assertRaisesRegex(ValueError, r"'\.\./x\.json'"):
            cairn.log_dict({}, "../x.json")
        with self.assertRaisesRegex(ValueError, "relative"):
            cairn.log_artifact(__file__, "/abs")
        with self.assertRaisesRegex(FileNotFoundError, "nope"):
            cairn.log_artifact(os.path.join(self.tmp, "nope"))
        self.assertEqual(self.lines(), [])


class NestedRuns(InProcessTest):
    def test_a_nested_run_in_a_stage_is_a_child_of_the_stage_run_and_names_its_run_id_on_every_line(self):
        cairn = self.cairn
        with cairn.start_run():
            with cairn.start_run(name="fold-1", nested=True) as child:
                cairn.log_metric("acc", 0.5, timestamp=1)
            cairn.log_metric("acc", 0.7, timestamp=2)
        lines = self.lines()
        self.assertEqual(lines[0]["run"]["parent"], RUN_ID)
        self.assertEqual(lines[0]["run"]["name"], "fold-1")
        self.assertEqual(lines[0]["run"]["id"], child.id)
        self.assertEqual(lines[1], {"metric": "acc", "value": 0.5, "step": 0, "timestamp": 1, "run_id": child.id})
        self.assertEqual(lines[2]["end"]["status"], "FINISHED")
        self.assertEqual(lines[2]["run_id"], child.id)
        # After a nested run line, the stage's own lines name their run too (that line may be the file's first).
        self.assertEqual(lines[3], {"metric": "acc", "value": 0.7, "step": 0, "timestamp": 2, "run_id": RUN_ID})
        self.assertEqual(len(lines), 4)

    def test_starting_a_second_run_without_nested_is_an_error(self):
        cairn = self.cairn
        cairn.start_run()
        with self.assertRaisesRegex(cairn.CairnError, "already active.*nested=True"):
            cairn.start_run()

    def test_ending_a_parent_ends_its_active_children_first(self):
        cairn = self.cairn
        cairn.start_run()
        child = cairn.start_run(nested=True)
        grandchild = cairn.start_run(nested=True)
        child.end("KILLED")
        self.assertEqual([l["end"]["status"] for l in self.lines() if "end" in l], ["KILLED", "KILLED"])
        self.assertEqual([l["run_id"] for l in self.lines() if "end" in l], [grandchild.id, child.id])
        self.assertEqual(grandchild.info.parent_run_id, child.id)
        self.assertIsNotNone(cairn.active_run())  # the stage's run is still active


if __name__ == "__main__":
    import unittest
    unittest.main()
