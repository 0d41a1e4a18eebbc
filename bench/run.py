"""`make bench`: every benchmark, printing figures (medians and ratios)."""

import importlib.util
import os
import sys
from pathlib import Path

# Measure as production runs: no debug bookkeeping (settings read DJANGO_DEBUG).
os.environ.setdefault("DJANGO_DEBUG", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402

BENCHMARKS = [
    "provisioning",
    "pages",
    "summaries",
    "summaries_coverage",
    "reminders",
    "reminder_cost",
    "migrations",
]


def main():
    _django.setup()
    only = sys.argv[1:] or BENCHMARKS
    for name in only:
        # Loaded by path under its own name: bench/summaries.py must not shadow the app.
        path = Path(__file__).resolve().parent / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.run()
        print()


if __name__ == "__main__":
    main()
