"""The archive's upkeep as the CLI runs it: status, an index run on record, backups.

The CLI calls these (and ``library``, ``browse``, ``harvest``, ``update``) rather than the
archive's modules; ``__all__`` lists what is handed on from them on purpose.
"""

from __future__ import annotations

from pathlib import Path

from archive.backup import BackupReport, export_archive, import_archive
from archive.backup_setup import CONFIG_NAME, SETUP, setup_files
from archive.config import Settings
from archive.errors import EXIT_OK, EXIT_PARTIAL
from archive.status import collect_status
from index.services.library import BuildReport, Progress, build, files_in_use

__all__ = [
    # this module's services
    "index_archive", "backup_archive", "restore_hint",
    # handed on on purpose: the archive's status and backups
    "collect_status", "export_archive", "import_archive", "BackupReport",
]


def index_archive(settings: Settings, *, rebuild: bool = False, taxonomy_path: Path | None = None,
                  progress: Progress | None = None) -> tuple[BuildReport, int]:
    """Build or update the index (``casearchive index``; the build records the run); the report and exit code."""
    report = build(settings, rebuild=rebuild, taxonomy_path=taxonomy_path, progress=progress)
    return report, EXIT_PARTIAL if report.failures else EXIT_OK


def backup_archive(settings: Settings, target: Path) -> BackupReport:
    """``export-archive``: the archive with everything the build reads, so a restore rebuilds the same index.

    The taxonomy and correction list are those the settings name, else those the live index was
    built with (as a plain ``casearchive index`` would use them again).
    """
    return export_archive(settings.data_dir, target, setup_files(settings, *files_in_use(settings)))


def restore_hint(data_dir: Path) -> str:
    """How to rebuild the index after ``import-archive``: with the restored setup when the backup had one."""
    config = Path(data_dir) / SETUP / CONFIG_NAME
    if config.is_file():
        return (f"Build the same index with `casearchive --data {data_dir} index`: without --config (or "
                f"CASEARCHIVE_CONFIG, or a ./casearchive.toml) it uses the restored {config}, which names the "
                "restored taxonomy and correction list. Set YOUTUBE_API_KEY or youtube.key_file again before "
                "harvesting.")
    return ("This backup holds no taxonomy, correction list or settings (it was made before backups kept them): "
            "`casearchive index` builds the index without them; give the taxonomy with --taxonomy and the "
            "correction list in the configuration to build the same index as before.")
