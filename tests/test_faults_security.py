"""The API key never appears in any output, log, run summary, archive file or export.

The runs use a recognisable key against the fake API, with failures injected so that the
error and retry paths (whose messages carry request URLs with ``key=…``) are taken too.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path
from urllib.parse import quote

from tests.update_world import CANARY_KEY, World, world  # noqa: F401 (the fixture)


def _leaks(data: bytes, secret: str) -> bool:
    return any(form.encode() in data for form in {secret, quote(secret, safe=""), secret[8:]})


def _files_with(root: Path, secret: str) -> list[str]:
    """Every file under ``root`` whose bytes (decompressed when gzip'd, members of tarballs) hold the secret."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        chunks = [data]
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
            chunks.append(data)
            if path.name.endswith((".tar.gz", ".tgz")):
                with tarfile.open(fileobj=io.BytesIO(path.read_bytes()), mode="r:gz") as tar:
                    for member in tar:
                        content = tar.extractfile(member)
                        body = content.read() if content else b""
                        chunks.append(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
        if any(_leaks(chunk, secret) for chunk in chunks):
            found.append(str(path.relative_to(root)))
    return found


def test_the_key_is_in_no_output_summary_or_archive_file(world: World) -> None:
    world.youtube.fail_next(500, times=1, method="videos.list")  # a retry, logged with its URL
    world.server.fault("/kennis/teamleren-in-de-kinderopvang/", "close", 2)
    outputs = []
    for args in (["-v", "--debug", "update"], ["-v", "--debug", "update", "--format", "json"],
                 ["status", "--format", "json"], ["report", "--format", "json"],
                 ["show", "ZhyiA4uoRgn", "--format", "json"], ["search", "taakroulatie", "--format", "json"],
                 ["export-archive", str(world.root / "export.tar.gz")]):
        done = world.cli(*args)
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout + done.stderr)
    assert world.youtube.total_units > 0 and "retry" in outputs[0]  # the key was used, the retry logged
    assert not [out for out in outputs if _leaks(out.encode(), CANARY_KEY)]
    assert _files_with(world.root, CANARY_KEY) == [], "the key leaked into these files"


def test_a_rejected_key_is_not_repeated_in_the_error(world: World) -> None:
    wrong = "AIzaSy-WRONG-canary-2b7d9e-do-not-show"
    world.env["YOUTUBE_API_KEY"] = wrong
    done = world.cli("-v", "--debug", "update")
    assert done.returncode == 2
    assert "youtube" in done.stdout and "not valid" in (done.stdout + done.stderr)
    assert not _leaks((done.stdout + done.stderr).encode(), wrong)
    assert _files_with(world.root, wrong) == []
