"""The archive's upkeep as the CLI runs it: status, an index run on record, backups.

The CLI calls these (and ``library``, ``browse``, ``harvest``, ``update``) rather than the
archive's modules; ``__all__`` lists what is handed on from them on purpose.
"""

from __future__ import annotations

from pathlib import Path

from archive.backup import BackupReport, export_archive, import_archive
from archive.config import Settings
from archive.errors import EXIT_OK, EXIT_PARTIAL
from archive.runs import save_run
from archive.status import collect_status
from archive.store import utc_now
from index.services.library import BuildReport, Progress, build

__all__ = [
    # this module's services
    "index_archive",
    # handed on on purpose: the archive's status and backups
    "collect_status", "export_archive", "import_archive", "BackupReport",
]


def index_archive(settings: Settings, *, rebuild: bool = False, taxonomy_path: Path | None = None,
                  progress: Progress | None = None) -> tuple[BuildReport, int]:
    """Build or update the index (``casearchive index``) and save the run record; the report and exit code."""
    started = utc_now()
    report = build(settings, rebuild=rebuild, taxonomy_path=taxonomy_path, progress=progress)
    code = EXIT_PARTIAL if report.failures else EXIT_OK
    save_run(settings.data_dir, "index", report.to_dict(), started, code)
    return report, code

