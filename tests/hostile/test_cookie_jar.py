"""``--cookie-jar FILE``: the user's cookies for login walls (issue 11 §3)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ServerThread, run_cli
from tests.hostile.servers import login_wall_app

VALUE = "c00kie-s3cret-value"


def _jar(tmp_path: Path, host: str = "127.0.0.1", value: str = VALUE) -> Path:
    path = tmp_path / "cookies.txt"
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        f"{host}\tFALSE\t/\tFALSE\t0\tsession\t{value}\n"
        f"#HttpOnly_{host}\tFALSE\t/private\tFALSE\t0\tother\tx\n"
    )
    return path


def test_the_cookie_file_opens_a_login_wall_and_its_value_is_masked(tmp_path: Path) -> None:
    with ServerThread(login_wall_app("session", VALUE)) as server:
        urls = [server.url("/one"), server.url("/two")]
        args = ["--no-config", "--format", "json", "-c", "1", "--retries", "0"]
        without = run_cli([*args, *urls])
        done = run_cli([*args, "--cookie-jar", str(_jar(tmp_path)), *urls])
    assert without.exit_code == 1
    assert done.exit_code == 0, done.stdout
    results = json.loads(done.stdout)["results"]
    # Each URL went through the redirect: the server's own cookie from the
    # first URL never reached the second.
    assert [len(r["redirects"]) for r in results] == [1, 1]
    assert VALUE not in done.stdout + done.stderr


def test_a_cookie_file_for_another_host_is_not_sent(tmp_path: Path) -> None:
    with ServerThread(login_wall_app("session", VALUE)) as server:
        done = run_cli(
            [
                "--no-config",
                "--retries",
                "0",
                "--cookie-jar",
                str(_jar(tmp_path, "127.0.0.2")),
                server.url("/"),
            ]
        )
    assert done.exit_code == 1


def test_an_unreadable_cookie_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_cli(["--no-config", "--cookie-jar", str(tmp_path / "missing.txt"), "-"])
    assert done.exit_code == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--cookie-jar" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_malformed_cookie_file_is_exit_2_and_its_content_is_not_shown(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(f"not a cookie file {VALUE}\n")
    done = run_cli(["--no-config", "--cookie-jar", str(path), "-"])
    assert done.exit_code == 2
    assert "--cookie-jar" in done.stderr
    assert VALUE not in done.stderr


def test_the_cookie_file_can_come_from_the_config_relative_to_it(tmp_path: Path) -> None:
    _jar(tmp_path)
    config = tmp_path / "urlcheck.toml"
    config.write_text('cookie_jar = "cookies.txt"\n')
    with ServerThread(login_wall_app("session", VALUE)) as server:
        done = run_cli(["--config", str(config), "--retries", "0", server.url("/")])
    assert done.exit_code == 0, done.stdout
