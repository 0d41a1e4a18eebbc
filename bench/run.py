"""`make bench`: every benchmark, printing figures (medians and ratios)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# Measure as production runs: no debug bookkeeping (settings read DJANGO_DEBUG).
os.environ.setdefault("DJANGO_DEBUG", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _django  # noqa: E402

BENCHMARKS = ["provisioning", "pages", "summaries", "reminders", "reminder_cost", "migrations"]
BENCHMARKS += ["load", "cluster"]  # need wrk; cluster needs root and HAProxy (README)


def main():
    only = sys.argv[1:] or BENCHMARKS
    ready = False
    for name in only:
        # Loaded by path under its own name: bench/summaries.py must not shadow the app.
        path = Path(__file__).resolve().parent / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if getattr(module, "OWN_SERVICES", False):
            # It starts its own database and sets Django up on it; Django is set up once per
            # process, so beside other benches it runs in a process of its own.
            if len(only) > 1:
                subprocess.run([sys.executable, __file__, name], check=False)  # noqa: S603
            else:
                module.run()
        else:
            if not ready:
                _django.setup()
                ready = True
            module.run()
        print()


if __name__ == "__main__":
    main()
