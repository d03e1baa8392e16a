"""The `pingan` command: schema, demo data, users, audit, backup/restore and health check."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from db.engine import check_connection, make_engine, session_scope
from db.migrate import current_revision, is_current, steps_between, upgrade
from db.models import District, User
from db.settings import ConfigError, Settings, load_settings
from services.accounts import auth, users
from services.admin import backup as backups
from services.core import audit as audit_log
from services.core import clock
from services.core.errors import ServiceError

SCOPE_HELP = "district | station:ID | communities:ID,ID,..."


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(f"{exc.setting}: {exc.problem}") from exc


def _engine(migrate: bool = True) -> Engine:
    engine = make_engine(_settings().database_url)
    try:
        check_connection(engine)
        if migrate:
            upgrade(engine)
    except ConfigError as exc:
        raise click.ClickException(f"{exc.setting}: {exc.problem}") from exc
    return engine


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _fail(exc: ServiceError) -> click.ClickException:
    detail = ", ".join(f"{k}: {v}" for k, v in getattr(exc, "fields", {}).items())
    return click.ClickException(f"{exc.key} {detail}".strip())


@click.group(help="Pingan: community policing 1+10+N console (平安 社区警务工作台).")
def main() -> None:
    pass


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or upgrade the schema to the newest migration.")
def db_upgrade() -> None:
    engine = _engine(migrate=False)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    steps = steps_between(engine, before, after)
    where = make_url(_settings().database_url).render_as_string()
    if before is None:
        click.echo(f"database created in {where}: {_count(steps, 'migration')} applied, "
                   f"schema {after}")
    elif before != after:
        click.echo(f"database upgraded from schema {before} to {after}: "
                   f"{_count(steps, 'migration')} applied")
    else:
        click.echo(f"database already at the newest schema {after}: nothing to do")


@main.group(help="The demo district.")
def demo() -> None:
    pass


@demo.command("load", help="Load the demo district (Dadukou) into an empty database.")
@click.option("--scale", "leads", type=click.IntRange(min=0), default=None,
              help="Number of leads to generate (default: about 40,000 a year).")
@click.option("--seed", type=int, default=20260701, show_default=True)
@click.option("--if-empty", is_flag=True,
              help="Do not load (and succeed) if data is present; a demo there catches up.")
@click.option("--simulate-days", type=click.IntRange(min=0, max=400), default=0,
              help="Load the demo as of N days ago and simulate the days since.")
def demo_load(leads: int | None, seed: int, if_empty: bool, simulate_days: int) -> None:
    from services.demo import load_demo

    engine = _engine()
    with session_scope(engine) as s:
        present = s.scalar(select(func.count()).select_from(District)) or 0
    if present and if_empty:
        click.echo("data present: demo not loaded")
        _catch_up(engine)
        return

    def progress(stage: str, fraction: float) -> None:
        click.echo(f"\r{stage:<24} {fraction * 100:5.1f}%", nl=fraction >= 1.0, err=True)

    try:
        summary = load_demo(engine, leads=leads, seed=seed, progress=progress,
                            today=clock.local_today() - timedelta(days=simulate_days))
    except ServiceError as exc:
        raise _fail(exc) from exc
    click.echo(f"demo district loaded: {summary}")
    _catch_up(engine)


def _catch_up(engine: Engine) -> None:
    """A demo loaded earlier lives on: simulate the time since it was last simulated."""
    from services.demo import live

    began = time.monotonic()
    steps = live.catch_up(engine, until=clock.now(), progress=lambda at: click.echo(
        f"\rsimulated to {clock.local(at)}", nl=False, err=True))
    if steps:
        click.echo("", err=True)
        click.echo(f"demo simulated {len(steps)} batch(es), {sum(a.leads for a in steps)} "
                   f"leads, in {time.monotonic() - began:.1f} s")


@main.group(help="Accounts.")
def user() -> None:
    pass


def _parse_scope(scope: str) -> tuple[str, int | None, list[int]]:
    kind, _, rest = scope.partition(":")
    try:
        if kind == "district" and not rest:
            return "district", None, []
        if kind == "station":
            return "station", int(rest), []
        if kind == "communities":
            return "communities", None, [int(x) for x in rest.split(",") if x]
    except ValueError:
        pass
    raise click.BadParameter(SCOPE_HELP, param_hint="--scope")


@user.command("add", help="Add an account (the first admin, outside demo mode).")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--role", type=click.Choice(["admin", "supervisor", "officer", "grid_worker"]),
              required=True)
@click.option("--scope", default="district", show_default=True, help=SCOPE_HELP)
@click.password_option(help="Prompted for when not given (8-64 characters).")
def user_add(username: str, display_name: str, role: str, scope: str, password: str) -> None:
    kind, station, communities = _parse_scope(scope)
    with session_scope(_engine(), write=True) as s:
        try:
            uid = users.create_user(
                s, actor=users.SYSTEM, username=username, display_name=display_name, role=role,
                password=password, scope_kind=kind, station_id=station,
                community_ids=communities)
        except ServiceError as exc:
            raise _fail(exc) from exc
    click.echo(f"user {username} added (id {uid})")


@user.command("passwd", help="Set a one-time password that must be changed at next sign-in.")
@click.argument("username")
@click.password_option(help="Prompted for when not given.")
def user_passwd(username: str, password: str) -> None:
    with session_scope(_engine(), write=True) as s:
        try:
            users.reset_password(s, actor=users.SYSTEM, username=username, password=password)
        except ServiceError as exc:
            raise _fail(exc) from exc
    click.echo(f"password of {username} reset; it must be changed at the next sign-in")


def _user_action(username: str, action: Callable[..., object], **kw: object) -> None:
    with session_scope(_engine(), write=True) as s:
        try:
            action(s, actor=users.SYSTEM, username=username, **kw)
        except ServiceError as exc:
            raise _fail(exc) from exc


@user.command("disable", help="Disable an account and end its sessions.")
@click.argument("username")
def user_disable(username: str) -> None:
    _user_action(username, users.set_active, active=False)
    click.echo(f"user {username} disabled")


@user.command("enable", help="Enable a disabled account again.")
@click.argument("username")
def user_enable(username: str) -> None:
    _user_action(username, users.set_active, active=True)
    click.echo(f"user {username} enabled")


@user.command("unlock", help="End a sign-in lockout before its 15 minutes are over.")
@click.argument("username")
def user_unlock(username: str) -> None:
    _user_action(username, users.unlock)
    click.echo(f"user {username} unlocked")


@user.command("list", help="List accounts.")
def user_list() -> None:
    with session_scope(_engine()) as s:
        people = users.list_users(s, actor=users.SYSTEM)
    click.echo(f"{'USERNAME':<20} {'ROLE':<12} {'SCOPE':<12} STATE")
    for u in people:
        state = "active" if u.active else "disabled"
        state += ", locked" if u.locked else ""
        state += ", must change password" if u.must_change_password else ""
        click.echo(f"{u.username:<20} {u.role:<12} {u.scope_kind:<12} {state}")
    click.echo(_count(len(people), "account"))


@main.group(help="The audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check every link of the audit chain; report the first broken one.")
def audit_verify() -> None:
    with session_scope(_engine()) as s:
        report = audit_log.verify_chain(s)
    if report.first_broken_id is not None:
        click.echo(f"audit chain BROKEN at entry id {report.first_broken_id} "
                   f"(after {report.checked} intact entries)")
        sys.exit(1)
    click.echo(f"audit chain intact: {report.checked} entries")


def _sqlite_file(what: str) -> Path:
    url = make_url(_settings().database_url)
    if url.get_backend_name() != "sqlite":
        hint = {"backup": "pg_dump -Fc -f pingan.dump <database>",
                "restore": "pg_restore --clean --if-exists -d <database> pingan.dump"}[what]
        raise click.ClickException(f"PostgreSQL: use {hint}")
    return Path(str(url.database))


@main.command(help="Copy the database consistently while the app runs (SQLite).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    try:
        backups.backup_sqlite(_sqlite_file("backup"), path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {path}")


@main.command(help="Replace the database with a backup (SQLite); asks for confirmation.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking.")
def restore(path: Path, yes: bool) -> None:
    db_file = _sqlite_file("restore")
    try:
        info = backups.check_backup(path)
    except backups.BackupError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    click.echo(f"backup {path}: schema {info.revision}, {info.users} users, "
               f"{info.audit_entries} audit entries")
    if not yes:
        click.confirm("Replace the current database with this backup? Everything written "
                      "since the backup is lost", abort=True)
    keep = _settings().data_dir / f"pre-restore-{clock.now():%Y%m%d-%H%M%S}.db"
    backups.restore_sqlite(db_file, path, keep)
    with session_scope(_engine(), write=True) as s:  # _engine() upgrades an older schema
        ended = auth.end_every_session(s, reason="restore")
        audit_log.record(s, actor=users.SYSTEM, action="system.restore",
                         after={"file": path.name, "sessions_ended": ended})
        report = audit_log.verify_chain(s)
    click.echo(f"restored from {path}; the database before it is kept in {keep}; "
               f"{ended} sessions ended; audit chain "
               + ("intact" if report.first_broken_id is None
                  else f"BROKEN at id {report.first_broken_id}"))


@main.command(help="Check the configuration and the database.")
def check() -> None:
    settings = _settings()
    click.echo(f"database: {make_url(settings.database_url).render_as_string()}")
    try:
        settings.secret_key()
        click.echo("secret key: ok")
    except ConfigError as exc:
        raise click.ClickException(f"{exc.setting}: {exc.problem}") from exc
    engine = make_engine(settings.database_url)
    try:
        check_connection(engine)
        current = is_current(engine)
    except (ConfigError, SQLAlchemyError) as exc:
        raise click.ClickException("PINGAN_DATABASE_URL: the database cannot be reached") from exc
    click.echo(f"schema: {'up to date' if current else 'needs pingan db upgrade'}")
    if not current:
        sys.exit(1)
    with session_scope(engine) as s:
        click.echo(f"users: {s.scalar(select(func.count()).select_from(User))}")
    click.echo("ok")


from services.cli.imports import imports  # noqa: E402 - the group is defined above
from services.cli.incidents import incidents  # noqa: E402,F401 - registers `import incidents`
from services.cli.processes import serve, worker  # noqa: E402 - the group is defined above
from services.cli.roster import roster_cmd  # noqa: E402,F401 - registers `import roster`

main.add_command(worker)
main.add_command(serve)
main.add_command(imports)
