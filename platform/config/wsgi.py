import os
import sys
from pathlib import Path

_root = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(_root / "platform"), str(_root)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
