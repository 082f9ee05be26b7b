"""Configuration files: ``urlcheck.toml``, or ``[tool.urlcheck]`` in ``pyproject.toml``.

Found by walking up from the current directory. The walk ends at the
repository root (the first directory holding ``.git``, itself searched) or
at the filesystem root, so a checkout behaves the same wherever it is
cloned, and a file in a home directory cannot leak into every project. In
one directory ``urlcheck.toml`` wins; a ``pyproject.toml`` without
``[tool.urlcheck]`` is passed over.

Keys are the Settings field names: the CLI's long options in snake_case,
plus ``hosts``. The file's raw values and the command line's are merged,
then validated once by the same model (:func:`settings`); an error names
the file and the key, or the option, that holds the bad value. The CLI wins
over the file, except that a list is the file's items followed by the CLI's.

Relative paths in a file are relative to the file, and ``${NAME}`` in a
header value is read from the environment, so that a committed file can
name a token without holding it.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from checker.choices import flag_of
from checker.optiontypes import as_list, is_list_field
from checker.settings import HostPolicy, Settings

FILE = "urlcheck.toml"
PYPROJECT = "pyproject.toml"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


class ConfigError(Exception):
    """A configuration file that cannot be read or is not valid: exit 2, one line."""


@dataclass(frozen=True)
class ConfigFile:
    """A configuration file's settings as raw values (paths resolved against
    the file, ``${NAME}`` expanded), not yet validated."""

    path: Path
    prefix: str  # how its keys are named: "" or "tool.urlcheck."
    values: dict[str, Any]


def read(path: Path | None = None, *, no_config: bool = False) -> ConfigFile | None:
    """The file named, or else the one found, or None. Raises :class:`ConfigError`."""
    if no_config:
        return None
    if path is None:
        path = discover()
        if path is None:
            return None
    raw, prefix = _read(path)
    return ConfigFile(path, prefix, _prepare(raw, path, prefix))


def load(path: Path | None = None, *, no_config: bool = False) -> dict[str, Any]:
    """The validated settings of the file named, or else of the one found.

    Only the keys the file sets are returned, as Settings values: for the
    library, ``Settings.model_validate(load())``. Raises :class:`ConfigError`.
    """
    file = read(path, no_config=no_config)
    if file is None:
        return {}
    validated = settings(file, {})
    return {key: getattr(validated, key) for key in file.values}


def settings(file: ConfigFile | None, options: dict[str, Any]) -> Settings:
    """The file's values, overridden by the command line's ``options``,
    validated once. Raises :class:`ConfigError` naming the file and key, or
    the option, that holds the bad value."""
    values = merge(file.values if file else {}, options)
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0], file, options)) from None


def merge(file: dict[str, Any], cli: dict[str, Any]) -> dict[str, Any]:
    """Raw values: the CLI wins, except that a list field adds up, the
    file's items first, then the CLI's."""
    merged = dict(file)
    for key, value in cli.items():
        if key in merged and is_list_field(Settings, key):
            merged[key] = [*as_list(merged[key]), *as_list(value)]
        else:
            merged[key] = value
    return merged


def discover(start: Path | None = None) -> Path | None:
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current directory was removed
        return None
    for directory in (here, *here.parents):
        candidate = directory / FILE
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file() and _has_table(candidate):
            return candidate
        if (directory / ".git").exists():
            return None
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # Parsing only the files that may hold the table keeps an unrelated,
    # malformed pyproject.toml from failing the run.
    return "urlcheck" in text and "urlcheck" in _parse(pyproject, text).get("tool", {})


def _read(path: Path) -> tuple[dict[str, Any], str]:
    """The file's settings table, and the prefix its keys are named with."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(f"{_shown(path)}: cannot read: {reason}") from None
    document = _parse(path, text)
    if path.name != PYPROJECT:
        return document, ""
    table = document.get("tool", {}).get("urlcheck")
    if table is None:
        raise ConfigError(f"{_shown(path)}: no [tool.urlcheck] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{_shown(path)}: tool.urlcheck: must be a table")
    return table, "tool.urlcheck."


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_shown(path)}: not valid TOML: {exc}") from None


def _prepare(raw: dict[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    """Resolve relative paths against the file and expand ``${NAME}`` in headers."""
    values = dict(raw)
    for key, value in raw.items():
        if key in _PATH_FIELDS:
            values[key] = _relative_to(path.parent, value)
        elif key in ("headers", "header_for", "basic_auth", "github_token"):
            values[key] = _expand(value, path, prefix + key)
    hosts = values.get("hosts")
    if isinstance(hosts, dict):
        values["hosts"] = {
            host: (
                {**table, "headers": _expand(table["headers"], path, _key(prefix, host))}
                if isinstance(table, dict) and "headers" in table
                else table
            )
            for host, table in hosts.items()
        }
    return values


_PATH_FIELDS = frozenset(
    name
    for name, field in Settings.model_fields.items()
    if Path in (field.annotation, *get_args(field.annotation))
)


def _relative_to(base: Path, value: Any) -> Any:
    if isinstance(value, str):
        return str(base / Path(value).expanduser())
    if isinstance(value, list):
        return [_relative_to(base, v) for v in value]
    return value


def _expand(value: Any, path: Path, key: str) -> Any:
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"{_shown(path)}: {key}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(lookup, value)
    if isinstance(value, list):
        return [_expand(v, path, key) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, path, key) for k, v in value.items()}
    return value


def _key(prefix: str, host: str) -> str:
    return f'{prefix}hosts."{host}".headers'


def _describe(error: ErrorDetails, file: ConfigFile | None, options: dict[str, Any]) -> str:
    """One line naming where the bad value came from: the file and its key,
    with the nearest key for a typo, or the command-line option."""
    loc = error["loc"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if file is None or (loc and _from_options(loc, file.values, options)):
        name = str(loc[0]) if loc else ""
        option = flag_of(name) if name in Settings.model_fields else "options"
        return f"invalid value for {option}: {message}"
    # An item's index is left out: the key is what the user looks for in the file.
    key = file.prefix + _dotted(tuple(part for part in loc if not isinstance(part, int)))
    shown = _shown(file.path)
    if error["type"] == "extra_forbidden":
        model: type[BaseModel] = HostPolicy if loc[0] == "hosts" else Settings
        return f"{shown}: {key}: unknown key{_suggest(str(loc[-1]), model)}"
    return f"{shown}: {key}: {message}"


def _from_options(
    loc: tuple[int | str, ...], file: dict[str, Any], options: dict[str, Any]
) -> bool:
    """Whether the value at ``loc`` came from the command line: an option
    replaces the file's value, except in a list, whose first items are the file's."""
    name = loc[0]
    if name not in options:
        return False
    if name not in file or not is_list_field(Settings, str(name)):
        return True
    index = loc[1] if len(loc) > 1 else None
    return isinstance(index, int) and index >= len(as_list(file[name]))


def _suggest(key: str, model: type[BaseModel]) -> str:
    names = list(model.model_fields)
    close = difflib.get_close_matches(key.replace("-", "_").lower(), names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(part if _BARE_KEY.match(part) else f'"{part}"')
    return ".".join(parts)


def _shown(path: Path) -> str:
    """The path as the user would write it: relative when it is below the current directory."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
