"""The ``urlcheck`` command group: ``urlcheck SOURCES...`` checks, and
subcommands (``urlcheck schema``) sit beside it.

A first argument that names a subcommand runs it; anything else is the
check, exactly as before the group existed. A file named like a subcommand
is checked as ``./schema``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from checker._version import __version__
from checker.choices import Format, Panel, SchemaName
from checker.cli.options import PanelOption, given_options, settings_options

CONTEXT = {"help_option_names": ["-h", "--help"]}
SOURCES_HELP = (
    "Files (URL lists, Markdown, HTML, reStructuredText, sitemaps), directories, "
    "globs, '-' for stdin, or http(s):// URLs."
)
# The check is the group's unnamed command: no word typed on the command
# line can select it, so no file name is taken from the user.
_CHECK = ""


class CheckCommand(click.Command):
    """``urlcheck [OPTIONS] SOURCES...``, with its options listed by panel."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("urlcheck", " ".join(self.collect_usage_pieces(ctx)))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Arguments"):
            formatter.write_dl([("SOURCES...", SOURCES_HELP)])
        rows: dict[Panel, list[tuple[str, str]]] = {panel: [] for panel in Panel}
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            record = param.get_help_record(ctx)
            if record is not None:
                rows[getattr(param, "panel", Panel.CONFIGURATION)].append(record)
        for panel, records in rows.items():
            if records:
                with formatter.section(f"{panel.value} options"):
                    formatter.write_dl(records)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group = ctx.parent.command if ctx.parent else None
        if isinstance(group, click.Group):
            commands = [
                (name, command.get_short_help_str(60))
                for name in group.list_commands(ctx)
                if (command := group.get_command(ctx, name)) is not None
            ]
            with formatter.section("Commands (urlcheck COMMAND --help)"):
                formatter.write_dl(commands)


class Group(click.Group):
    """Subcommands by name; anything else is the check of SOURCES."""

    def __init__(self, check: click.Command, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = [_CHECK, *args]
        return super().parse_args(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.check if cmd_name == _CHECK else super().get_command(ctx, cmd_name)


def _version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"urlcheck {__version__}")
        ctx.exit()


def _check(**params: Any) -> int:
    from checker.cli.run import run, settings_from
    from checker.cli.signals import Interrupted

    ctx = click.get_current_context()
    config: Path | None = params["config"]
    try:
        settings = settings_from(given_options(ctx), config, params["no_config"])
        return run(settings, list(params["sources"]), ctx.find_root().obj)
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM while the sources are read
        raise Interrupted(exc) from None


def _configuration_options() -> list[click.Option]:
    panel = Panel.CONFIGURATION
    return [
        PanelOption(
            ["--config", "config"],
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="PATH",
            help="Read settings from this TOML file; by default urlcheck.toml or "
            "pyproject.toml's [tool.urlcheck] is searched for from here up to the "
            "repository root.",
            panel=panel,
        ),
        PanelOption(
            ["--no-config", "no_config"],
            is_flag=True,
            help="Read no configuration file.",
            panel=panel,
        ),
        PanelOption(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_version,
            help="Print the version.",
            panel=panel,
        ),
    ]


def _schema(name: str) -> None:
    import sys

    from checker.schema import render

    sys.stdout.write(render(SchemaName(name)))


def _merge(reports: tuple[Path, ...], fmt: str, output: Path | None, partial: bool) -> int:
    from checker.cli.merge import merge

    return merge(list(reports), Format(fmt), output, partial)


def _merge_command() -> click.Command:
    return click.Command(
        "merge",
        params=[
            click.Argument(["reports"], nargs=-1, required=True, type=click.Path(path_type=Path)),
            click.Option(
                ["--format", "fmt"],
                type=click.Choice([f.value for f in Format]),
                default=Format.TEXT.value,
                show_default=True,
                help="Format of the merged report.",
            ),
            click.Option(
                ["--output", "-o", "output"],
                type=click.Path(path_type=Path, dir_okay=False),
                metavar="PATH",
                help="Write the merged report here (atomically), not stdout.",
            ),
            click.Option(
                ["--partial"],
                is_flag=True,
                help="Merge even when a shard is missing or its report was cut short.",
            ),
        ],
        callback=_merge,
        help="Merge the json or jsonl reports of 'urlcheck --shard K/N' runs into one "
        "report. Refuses (exit 2) a missing or repeated shard, or shards of different "
        "inputs. The exit code follows the merged results.",
        short_help="Merge the reports of --shard runs into one report.",
        context_settings=CONTEXT,
    )


def build() -> Group:
    check = CheckCommand(
        _CHECK,
        params=[
            click.Argument(["sources"], nargs=-1),
            *settings_options(),
            *_configuration_options(),
        ],
        callback=_check,
        help="Check that the HTTP(S) URLs in SOURCES answer.",
        context_settings=CONTEXT,
    )
    group = Group(check, name="urlcheck", context_settings=CONTEXT)
    group.add_command(
        click.Command(
            "schema",
            params=[
                click.Argument(
                    ["name"],
                    type=click.Choice([n.value for n in SchemaName]),
                    default=SchemaName.REPORT.value,
                    required=False,
                )
            ],
            callback=_schema,
            help="Print the JSON Schema of the json report, or of one RESULT (jsonl line).",
            short_help="Print the JSON Schema of the json report or of one result.",
            context_settings=CONTEXT,
        )
    )
    group.add_command(_merge_command())
    from checker.cli.store import commands

    for command in commands():
        group.add_command(command)
    return group
