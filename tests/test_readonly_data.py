"""A read-only data directory (a mounted backup, a server without write rights): every read-only page
answers, and a command that must write says so in one line.

Root ignores file modes, so the directory is made read-only the way a mount does it: a read-only
bind mount in a private mount namespace (``unshare -m``). Where that is not allowed the test skips.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.services.demo import run_demo

PROBE = """
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from index.services.demo import demo_settings
from index.web import create_app
with TestClient(create_app(demo_settings(Path(sys.argv[1]))), raise_server_exceptions=False) as client:
    for path in sys.argv[2:]:
        print(client.get(path).status_code, path)
"""
PAGES = ["/", "/?q=taakroulatie", "/casus/duurzaam-meedoen-in-de-metalektro", "/video/lHUvTCQCyEZ",
         "/bedrijf/Alfa%20Laval", "/thema/Talentontwikkeling", "/status", "/export?q=taakroulatie", "/healthz",
         "/api/cases/duurzaam-meedoen-in-de-metalektro", "/api/videos/lHUvTCQCyEZ", "/api/status"]
CLI = "import sys; from index.cli import main; sys.exit(main())"


def read_only(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``folder`` mounted read-only (skip where mount namespaces are not allowed)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare here")
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 99; exec "$@"')
    done = subprocess.run([unshare, "-m", "sh", "-c", script, str(folder), *command], capture_output=True,
                          text=True, timeout=120, cwd=folder.parent)
    if done.returncode == 99 or "unshare failed" in done.stderr or "Operation not permitted" in done.stderr:
        pytest.skip("read-only mounts are not allowed here")
    return done


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("readonly") / "demo-data"
    run_demo(data_dir)
    return data_dir


def test_every_read_only_page_answers_from_a_read_only_data_directory(demo: Path) -> None:
    done = read_only(demo, sys.executable, "-c", PROBE, str(demo), *PAGES)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [f"200 {page}" for page in PAGES], done.stderr[-2000:]


def test_commands_that_read_work_and_one_that_writes_says_so_in_one_line(demo: Path) -> None:
    for args in (("status",), ("show", "duurzaam-meedoen-in-de-metalektro"), ("search", "taakroulatie")):
        done = read_only(demo, sys.executable, "-c", CLI, "--data", str(demo), *args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr[-2000:])
    done = read_only(demo, sys.executable, "-c", CLI, "--data", str(demo), "index", "--rebuild")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "the file system is read-only" in errors[0], done.stderr
