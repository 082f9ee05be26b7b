"""Every option of issue 11's HTTP items has a config key, read and validated
like the command line (${NAME} expansion included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import ConfigError, load
from checker.settings import Settings
from checker.tls import TlsVersion

CONFIG = """\
retry_wait = 0.5
request_interval = 0.25
accept = "..=299, 404"
http_proxy = "http://proxy.example:3128"
https_proxy = "proxy.example:3129"
no_proxy = "localhost, .corp.example"
basic_auth = ['^https://intra\\\\. bot:${INTRA_PW}']
min_tls = "1.3"
require_https = true
github_token = "${GH_TOKEN_FOR_TEST}"
github_api_url = "https://ghe.example/api/v3"
fix = true
dry_run = true
suggest = true
wayback_url = "http://127.0.0.1:1/mirror"

[hosts."*"]
timeout = 5
"""


def test_every_new_key_is_read_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTRA_PW", "intra-secret-pw")
    monkeypatch.setenv("GH_TOKEN_FOR_TEST", "ghp_from_env_123")
    path = tmp_path / "urlcheck.toml"
    path.write_text(CONFIG)
    settings = Settings.model_validate(load(path))
    assert settings.retry_wait == 0.5
    assert settings.request_interval == 0.25
    assert 404 in settings.accept.statuses
    assert 150 in settings.accept.statuses
    assert settings.https_proxy == "http://proxy.example:3129"
    assert settings.basic_auth[0].password.get_secret_value() == "intra-secret-pw"
    assert settings.min_tls is TlsVersion.V1_3
    assert settings.require_https
    assert settings.github_token is not None
    assert settings.github_token.get_secret_value() == "ghp_from_env_123"
    assert settings.hosts["*"].timeout == 5
    assert settings.fix
    assert settings.dry_run
    assert settings.suggest
    assert settings.wayback_url == "http://127.0.0.1:1/mirror"
    assert {"intra-secret-pw", "ghp_from_env_123"} <= set(settings.secrets)


def test_an_unset_variable_in_basic_auth_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "urlcheck.toml"
    path.write_text('basic_auth = [". bot:${NOT_SET_ANYWHERE_42}"]\n')
    with pytest.raises(ConfigError, match="basic_auth: environment variable NOT_SET_ANYWHERE_42"):
        load(path)
