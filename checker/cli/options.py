"""The command line's options, built from the Settings fields.

A field's type, default and ``description`` come from checker/settings.py,
its flags, metavar and help panel from its :class:`checker.choices.Cli`.
Every value is passed on as typed (a string, or a bool for a flag) and
validated once, by Settings (checker/config.py), with a config file's.
"""

from __future__ import annotations

import enum
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import click
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from checker.choices import Cli, Panel, cli_of, flag_of
from checker.settings import Settings

# Options that are not Settings: they choose or skip the configuration file.
NOT_SETTINGS = frozenset({"sources", "version", "config", "no_config", "help"})


class PanelOption(click.Option):
    """An option that knows the ``--help`` panel it is listed in."""

    def __init__(self, *args: Any, panel: Panel = Panel.CHECKING, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.panel = panel


def settings_options(model: type[BaseModel] = Settings) -> list[click.Option]:
    """One option per field of ``model`` (but the configuration-file-only ones)."""
    return [
        _option(name, field, cli, flag_of(name, model))
        for name, field in model.model_fields.items()
        # A table has no command-line spelling: it is written in a configuration file.
        if (cli := cli_of(name, model)).option and get_origin(field.annotation) is not dict
    ]


def _option(name: str, field: FieldInfo, cli: Cli, long: str) -> click.Option:
    kind, many = _kind(field.annotation)
    decls = [long] if cli.short is None else [long, cli.short]
    common: dict[str, Any] = {
        "help": _help(field, cli),
        "panel": cli.panel,
        "envvar": cli.envvar,
        "show_envvar": False,
    }
    if kind is bool:
        if cli.negatable:
            decls[0] = f"{long}/--no-{long.removeprefix('--')}"
        # None: a flag left out does not override the configuration file.
        return PanelOption([*decls, name], is_flag=True, default=None, **common)
    return PanelOption(
        [*decls, name],
        # Parsed and validated by Settings, not here. A closed set is offered
        # as a choice, for its list in --help and click's "did you mean".
        type=click.Choice([str(m.value) for m in kind]) if _is_enum(kind) else click.STRING,
        multiple=many,
        default=None,
        metavar=cli.metavar or _metavar(kind),
        **common,
    )


def _kind(annotation: Any) -> tuple[Any, bool]:
    """The item type of a field, without ``None``, and whether it is a list."""
    many = get_origin(annotation) is tuple
    if many:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    while get_origin(annotation) is not None and hasattr(annotation, "__origin__"):
        annotation = annotation.__origin__  # Annotated[X, ...] -> X
    return annotation, many


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, enum.Enum)


def _metavar(kind: Any) -> str | None:
    if _is_enum(kind):
        return None  # click's choice lists the values
    if kind is int:
        return "INTEGER"
    if kind is float:
        return "FLOAT"
    if kind is Path:
        return "PATH"
    return "TEXT"


def _help(field: FieldInfo, cli: Cli) -> str:
    """The description and the default, as ``--help`` shows them."""
    text = field.description or ""
    default = cli.default_help
    if default is None:
        value = field.default
        if value is None or value == () or isinstance(value, bool):
            return text
        default = str(
            value.value if isinstance(value, enum.Enum) else getattr(value, "text", value)
        )
    return f"{text}  [default: {default}]"


def given_options(ctx: click.Context) -> dict[str, object]:
    """The options the user actually gave, by Settings field name.

    Defaults are left out so that Settings' own defaults (and a config file)
    apply; the CLI only overrides what was typed (or set in the environment).
    """
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in ctx.params.items()
        if name not in NOT_SETTINGS
        and value is not None
        and value != ()
        and ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    }
