"""`make bench`: every benchmark, printing figures (medians and ratios)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402

BENCHMARKS = ["provisioning", "reminders"]


def main():
    _django.setup()
    only = sys.argv[1:] or BENCHMARKS
    for name in only:
        module = __import__(name)
        module.run()
        print()


if __name__ == "__main__":
    main()
