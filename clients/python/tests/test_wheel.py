"""build_wheel.py writes a valid wheel (without the `wheel` package) that pip installs offline."""
import base64
import hashlib
import os
import subprocess
import sys
import zipfile

from support import TempDirTest, clean_env

import build_wheel  # noqa: E402  (support put CLIENT_DIR on sys.path)


class Wheel(TempDirTest):
    def test_the_wheel_holds_the_package_and_a_record_whose_digests_match(self):
        wheel = build_wheel.build(os.path.join(self.tmp, "out"))
        self.assertEqual(os.path.basename(wheel), "cairn_client-0.1.0-py3-none-any.whl")
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            self.assertIn("cairn/__init__.py", names)
            self.assertFalse([n for n in names if "__pycache__" in n or n.startswith("tests/")])
            info = "cairn_client-0.1.0.dist-info/"
            self.assertIn("Tag: py3-none-any", zf.read(info + "WHEEL").decode())
            self.assertIn("Name: cairn-client\nVersion: 0.1.0\n", zf.read(info + "METADATA").decode())
            rows = [r.split(",") for r in zf.read(info + "RECORD").decode().splitlines()]
            self.assertEqual(sorted(r[0] for r in rows), sorted(names))
            for name, digest, size in rows:
                if name == info + "RECORD":
                    self.assertEqual((digest, size), ("", ""))
                    continue
                data = zf.read(name)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                self.assertEqual((digest, int(size)), ("sha256=" + expected, len(data)), name)

    def test_the_same_sources_give_the_same_wheel_bytes(self):
        a = build_wheel.build(os.path.join(self.tmp, "a"))
        b = build_wheel.build(os.path.join(self.tmp, "b"))
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_pip_installs_it_offline_and_it_imports_from_where_pip_put_it(self):
        if subprocess.run([sys.executable, "-m", "pip", "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            self.skipTest("pip is not available for %s" % sys.executable)
        wheel = build_wheel.build(os.path.join(self.tmp, "out"))
        target = os.path.join(self.tmp, "site")
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--quiet",
                            "--disable-pip-version-check", "--target", target, wheel],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        env = clean_env(PYTHONPATH=target)
        r = subprocess.run([sys.executable, "-c", "import cairn; print(cairn.__file__); print(cairn.__version__)"],
                           cwd=self.tmp, env=env, stdout=subprocess.PIPE, universal_newlines=True)
        path, version = r.stdout.split()
        self.assertEqual(os.path.dirname(path), os.path.join(target, "cairn"))
        self.assertEqual(version, "0.1.0")
