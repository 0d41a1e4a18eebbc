"""`make bench`: every benchmark, printing figures (medians and ratios)."""

import os
import sys
from pathlib import Path

# Measure as production runs: no debug bookkeeping (settings read DJANGO_DEBUG).
os.environ.setdefault("DJANGO_DEBUG", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402

BENCHMARKS = ["provisioning", "pages"]


def main():
    _django.setup()
    only = sys.argv[1:] or BENCHMARKS
    for name in only:
        module = __import__(name)
        module.run()
        print()


if __name__ == "__main__":
    main()
