"""`pingan import ...`: the imports for clerks who script the nightly export, signed in as a
named user so that the audit names who imported. Exit 0 imported, 1 refused, 2 bad usage."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine

from db.engine import session_scope
from services.accounts import auth
from services.core.actor import Actor
from services.core.errors import AuthFailed, Locked, ServiceError

_LOCALES = Path(__file__).resolve().parents[2] / "ui" / "core" / "locales"
AS_HELP = ("Sign in as this user. The password is read from PINGAN_PASSWORD or prompted; "
           "PINGAN_TOKEN may instead hold a session token of that user.")


def _options(*decorators: Any) -> Any:
    def apply(f: Any) -> Any:
        for decorate in reversed(decorators):  # as if written one above the other
            f = decorate(f)
        return f
    return apply


# Every import reads one sheet of one file as a named user ...
sheet_file = _options(
    click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
    click.option("--as", "username", required=True, help=AS_HELP),
    click.option("--sheet", default=None, help="The sheet to read (default: the biggest visible)."))


def run_options(take_valid_help: str) -> Any:
    """... and may import only the good rows, only check, answer in JSON, in a language."""
    return _options(
        click.option("--take-valid", is_flag=True, help=take_valid_help),
        click.option("--dry-run", is_flag=True, help="Check and show the preview; write nothing."),
        click.option("--json", "as_json", is_flag=True, help="The preview and result as JSON."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                     help="Language of the messages (default: the user's)."))


@click.group("import", help="Import spreadsheets (incidents, rosters) as a named user.")
def imports() -> None:
    pass


@cache
def _catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_LOCALES / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def say(lang: str, key: str, **params: Any) -> str:
    """A message in the user's language (the app's catalogues), the key if there is none."""
    text = _catalogue(lang if lang in ("zh", "en") else "zh").get(key, key)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text


def refuse(lang: str, exc: ServiceError, code: int = 1) -> None:
    """Print a refusal in the user's language to stderr and exit with `code`."""
    fields = getattr(exc, "fields", {}) or {}
    params = {k: str(v) for k, v in exc.params.items()}
    lines = [say(lang, key, **params) for key in fields.values()] or [say(lang, exc.key, **params)]
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def progress_printer(lang: str, quiet: bool = False) -> Any:
    """A progress callback (phase, done, total) that writes one line per phase to stderr."""
    def report(phase: str, done: int, total: int) -> None:
        if quiet:
            return
        share = f"{done * 100 // total:3d}%" if total else "100%"
        label = say(lang, f"imports.phase.{phase}")
        click.echo(f"\r{label} {share} ({done:,}/{total:,})", nl=done >= total, err=True)
    return report


@contextmanager
def signed_in(username: str) -> Iterator[tuple[Engine, Actor]]:
    """The engine and the actor of `username`, signed in for this command and out after."""
    from services.cli import _engine, _settings

    engine, settings = _engine(), _settings()
    token = os.environ.get("PINGAN_TOKEN")
    failure: ServiceError | None = None
    actor: Actor | None = None
    with session_scope(engine, write=True) as s:
        if token:
            actor = auth.resume(s, token=token, idle_minutes=settings.idle_minutes)
            if actor is None or actor.username != auth.normal_username(username):
                failure, actor = AuthFailed(), None
        else:
            password = os.environ.get("PINGAN_PASSWORD") or click.prompt(
                "Password", hide_input=True, err=True)
            try:
                signed = auth.sign_in(s, username=username, password=password,
                                      settings_hours=settings.session_hours)
            except (AuthFailed, Locked) as exc:
                failure = exc  # the failed attempt is committed: it counts towards lockout
            else:
                actor = signed.actor
                if signed.must_change_password:
                    failure = AuthFailed("imports.must_change_password")
    if failure is not None or actor is None:
        refuse("zh", failure or AuthFailed())
        raise AssertionError  # refuse() exits
    try:
        yield engine, actor
    finally:
        if not token:
            with session_scope(engine, write=True) as s:
                auth.sign_out(s, actor=actor)
