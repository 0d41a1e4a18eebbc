"""Entry point for `dramatiq config.worker`: set Django up, then import every actor module."""

import os
import sys
from pathlib import Path

_root = Path(__file__).resolve().parents[2]
for _p in (str(_root), str(_root / "platform")):
    if _p not in sys.path:
        sys.path.insert(0, _p)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from config.broker import broker  # noqa: E402, F401
from config.tasks import import_actor_modules  # noqa: E402

import_actor_modules()
