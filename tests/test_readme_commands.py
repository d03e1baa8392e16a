"""The README's commands work as written right after `make run`, and each says what it did.

Every line of a ```bash block that follows the marker comment in README.md is run, in order, by
bash in the project root, on a data directory of the test's own holding a small demo district
(`data/` in a command is that directory, as PINGAN_DATA_DIR points there). `make run` itself is
not run (it serves); what it leaves behind is: the schema at head and a demo loaded.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import User

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- tests/test_readme_commands.py runs each line of the next block"
PASSWORD = "readme-pass-2026"
# What each command must print (the README's command after `pingan`, its first words): a
# command added to the README needs a line here, so that nobody adds one that says nothing. A
# tuple is either of its texts.
SAYS: dict[str, list[str | tuple[str, ...]]] = {
    "--help": ["Usage: pingan", "user", "check"],
    "check": ["secret key: ok", "schema: up to date", "users: ", "\nok\n"],
    "user list": ["USERNAME", "ROLE", "\nadmin ", "\ngrid ", " accounts\n"],
    "user add": ["user chen added"],
    "audit verify": ["audit chain intact"],
    "worker --once": [("sweep done in", "another worker holds the lease: nothing done")],
    "backup": ["backup written to"],
    "db upgrade": ["database already at the newest schema", "nothing to do"],
}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(re.escape(MARKER) + r"[^\n]*\n```bash\n(.*?)```", text, re.DOTALL)
    assert blocks, "the README has no tested block"
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _pingan_words(command: str) -> str:
    """`make pingan ARGS="user add chen ..."` -> "user add chen ..." (the shell's reading)."""
    words = shlex.split(command, comments=True)
    assert words[:2] == ["make", "pingan"], command
    (args,) = [w.removeprefix("ARGS=") for w in words if w.startswith("ARGS=")]
    return args


def _expected(command: str) -> list[str | tuple[str, ...]]:
    args = _pingan_words(command)
    matches = [k for k in SAYS if args == k or args.startswith(k + " ")]
    assert matches, f"no expected output for {command!r}: add it to SAYS"
    return SAYS[max(matches, key=len)]


@pytest.fixture(scope="module")
def after_make_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as `make run` leaves it: schema at head, a demo (a small one) loaded."""
    from services.demo import load_demo

    data = tmp_path_factory.mktemp("readme")
    engine = make_engine(f"sqlite:///{data / 'pingan.db'}")
    upgrade(engine)
    load_demo(engine, leads=200)
    engine.dispose()
    return data


def _env(data: Path) -> dict[str, str]:
    """The newcomer's shell: no PINGAN_* settings (make sets demo mode), no outer make."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PINGAN_") and k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env["PINGAN_DATA_DIR"] = str(data)
    return env


def test_the_readme_shows_its_commands_in_the_form_that_works() -> None:
    commands = readme_commands()
    assert len(commands) >= 8
    assert all(c.startswith("make pingan ARGS=") for c in commands), commands
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # uv is not on the PATH after make (it lives in .tools/bin): no bare `uv run` to copy.
    bare = [m.end() for m in re.finditer(r"(?<![/\w])uv run pingan", text)]
    assert [text[at:at + 35] for at in bare] == [" check` where uv is on the PATH, or"]


def test_each_readme_command_works_right_after_make_run(after_make_run: Path) -> None:
    data = after_make_run
    for command in readme_commands():
        ran = subprocess.run(
            ["bash", "-c", command.replace(" data/", f" {data}/")], cwd=ROOT, env=_env(data),
            input=f"{PASSWORD}\n{PASSWORD}\n", capture_output=True, text=True, timeout=600,
            start_new_session=True,  # no terminal: a password prompt reads the input above
        )
        said = ran.stdout + ran.stderr
        assert ran.returncode == 0, (command, said)
        for words in _expected(command):
            assert any(w in said for w in ((words,) if isinstance(words, str) else words)), \
                (command, words, said)
        assert "Error" not in said and "Traceback" not in said, (command, said)

    engine = make_engine(f"sqlite:///{data / 'pingan.db'}")
    with session_scope(engine) as s:  # what the commands left in the database
        chen = s.scalars(select(User).where(User.username == "chen")).one()
        assert (chen.display_name, chen.role, chen.active) == ("陈明", "supervisor", True)
        count = len(s.scalars(select(User)).all())
    engine.dispose()
    with sqlite3.connect(data / "backup.db") as copy:  # the backup holds the accounts
        assert copy.execute("SELECT count(*) FROM app_user").fetchone()[0] == count
