"""The ``casearchive`` group itself: global flags, the settings, and how errors become exit codes.

Exit codes: 0 done; 1 done but some items failed; 2 usage or configuration error;
3 another run holds the lock; 4 stopped by the YouTube quota (the next run resumes).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import replace
from typing import Any

import click

# Of the archive the CLI takes only what every command needs before any service runs: the
# settings (config), the exit codes and error classes (errors), secrets kept out of what it
# prints (redact), and the parsers' budgets the settings set for this process (budget).
from archive.budget import use_limits
from archive.config import Settings, load_settings
from archive.errors import EXIT_PARTIAL, CaseArchiveError, storage_problem
from archive.redact import install_log_redaction, redact
from index.cli.output import PROGRESS_KEY

FORMATS = click.Choice(["table", "json"])


class Context:
    """What every command gets: the global flags, and settings loaded on first use."""

    def __init__(self, config: str | None, data: str | None, debug: bool, lock_wait: float | None = None) -> None:
        self.config, self.data, self.debug, self.lock_wait = config, data, debug, lock_wait
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The settings from the config, flags and environment, loaded once; they set the budgets."""
        if self._settings is None:
            self._settings = load_settings(self.config, self.data)
            if self.lock_wait is not None:
                self._settings = replace(self._settings, lock_wait=self.lock_wait)
            use_limits(self._settings.limits)
        return self._settings


pass_ctx = click.make_pass_decorator(Context)


def _setup_logging(verbose: int, debug: bool) -> None:
    """Log to stderr through our one handler, secrets redacted; more with -v, tracebacks with --debug."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s" if debug else "%(message)s"))
    install_log_redaction(handler)
    handler.set_name("casearchive")
    root = logging.getLogger()
    # Replace only our own handler (a second invocation in one process must not stack them).
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "casearchive"] + [handler]
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    root.setLevel(level)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)
    # The Google client logs each retry with the full URI and the raw socket error ("Sleeping 0.35
    # seconds before retry 2 of 5 … [Errno 111]"): five lines for one failure the run then says once in
    # its own words. They show with -v (redacted, as every log line).
    logging.getLogger("googleapiclient.http").setLevel(logging.NOTSET if verbose or debug else logging.ERROR)


class CaseArchiveGroup(click.Group):
    """Turns our errors into ``Error: …`` and their exit code; a bug's traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; our errors and a bug become a message and an exit code."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except CaseArchiveError as exc:
            obj = ctx.find_object(Context)
            if obj is not None and obj.debug and not exc.expected:
                raise
            click.echo(f"Error: {redact(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader (e.g. `| head`) left; say nothing more and keep Python from complaining.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # a bug: say so plainly, the traceback only on request
            obj = ctx.find_object(Context)
            if obj is not None and obj.debug:
                raise
            problem = storage_problem(exc)
            if problem is not None:  # the disk, not the tool: what was stored is kept
                click.echo(f"Error: {redact(problem)}; what was stored before is kept: make room or make "
                           "it writable and run again", err=True)
                ctx.exit(EXIT_PARTIAL)
            click.echo(f"Error: internal error: {type(exc).__name__}: {redact(str(exc))} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(70)


class _DashWord(click.NoSuchOption):
    """An unknown ``-word`` before ``--``: a typo gets click's suggestion, anything else says where it goes."""

    def __init__(self, token: str, hint: str, ctx: click.Context) -> None:
        longs = [name for param in ctx.command.get_params(ctx) for name in getattr(param, "opts", [])
                 if name.startswith("--")]
        super().__init__(token, possibilities=longs, ctx=ctx)
        self.hint = hint

    def format_message(self) -> str:
        """Click's "No such option", with the way to say a word that starts with - when it is no typo."""
        return super().format_message() if self.possibilities else f"{self.message} {self.hint}"


class SynonymGroup(click.Group):
    """A group that answers a command named by another word (``links accept``) with the one it has."""

    synonyms = {"accept": "confirm", "approve": "confirm", "deny": "reject", "refuse": "reject",
                "remove": "reject", "ls": "list"}

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """Click's lookup; an unknown name that is a synonym of a command says which to use."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            meant = self.synonyms.get(args[0].lower()) if args else None
            if meant is None or meant not in self.commands:
                raise
            raise click.UsageError(f"No such command {args[0]!r}. Did you mean {meant!r}? "
                                   f"(see: {ctx.command_path} {meant} --help)", ctx) from None


class WordsCommand(click.Command):
    """A command whose arguments may start with ``-`` (a NOT word, a video id): they go after ``--``.

    Every unknown option, before, between or after the arguments, is click's usage error (exit 2)
    with its "did you mean"; ``-word`` (click would name only its first letter) is named whole and
    told to go after ``--``. ``keep`` matches arguments taken as they are even before ``--``.
    """

    def __init__(self, *args: Any, hint: str, keep: re.Pattern[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hint, self.keep = hint, keep

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse as click does, with a kept ``-`` argument moved after ``--`` and ``-word`` named whole."""
        head, tail = (args[:args.index("--")], args[args.index("--"):]) if "--" in args else (args, ["--"])
        if self.keep is not None:
            kept = [a for a in head if self.keep.fullmatch(a)]
            head, tail = [a for a in head if a not in kept], [*tail, *kept]
        try:
            return super().parse_args(ctx, [*head, *tail])
        except click.NoSuchOption as exc:
            word = next((a for a in head if a.startswith(exc.option_name) and not a.startswith("--")), None)
            if word is None or exc.option_name.startswith("--"):
                raise
            raise _DashWord(word.split("=", 1)[0], self.hint.format(word=word), ctx) from None


@click.group(cls=CaseArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 done; 1 done, but some items failed; 2 usage or configuration error; "
                    "3 another run holds the lock; 4 stopped by the YouTube quota (the next run resumes).")
@click.option("--config", type=click.Path(dir_okay=False), envvar="CASEARCHIVE_CONFIG",
              help="Config file (default: ./casearchive.toml if present).")
@click.option("--data", type=click.Path(file_okay=False), help="Data directory (default ./data; env CASEARCHIVE_DATA).")
@click.option("--lock-wait", type=click.FloatRange(0, 1e9), metavar="SECONDS",
              help="How long a writing command waits for another to finish, then exits 3 (default 120; "
                   "config lock_wait, env CASEARCHIVE_LOCK_WAIT).")
@click.option("-v", "--verbose", count=True, help="Say more about what happens.")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.option("--progress/--no-progress", "progress", default=None,
              help="Draw progress bars on stderr (default: only when stderr is a terminal, so cron stays quiet).")
@click.version_option(package_name="casearchive")
@click.pass_context
def cli(ctx: click.Context, config: str | None, data: str | None, lock_wait: float | None, verbose: int,
        debug: bool, progress: bool | None) -> None:
    """Archive and search the multimedia side of a Dutch knowledge platform of cases."""
    _setup_logging(verbose, debug)
    ctx.meta[PROGRESS_KEY] = progress
    ctx.obj = Context(config, data, debug, lock_wait)




def main(argv: list[str] | None = None) -> Any:
    """The console script's entry point."""
    return cli.main(args=argv, prog_name="casearchive")
