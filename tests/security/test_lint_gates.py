"""The security lint gate: `.ci/run` runs bandit at high severity before the tests, the product
code passes it, and a high-severity finding fails it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANDIT = [sys.executable, "-m", "bandit", "-c", str(ROOT / "pyproject.toml"), "-q", "-lll"]


def test_ci_runs_the_security_gate_before_the_tests():
    steps = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert steps.index("make security") < steps.index("make test")
    makefile = (ROOT / "Makefile").read_text()
    assert "$(BANDIT) -lll" in makefile.split("security: $(STAMP)")[1].split("\n\n")[0]


def test_product_code_has_no_high_severity_finding():
    targets = ["platform", "tenants", "workflow", "notifications"]
    result = subprocess.run([*BANDIT, "-r", *targets], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_high_severity_finding_fails_the_gate(tmp_path):
    bad = tmp_path / "weak.py"
    bad.write_text("import hashlib\n\ndigest = hashlib.md5(b'token').hexdigest()\n")
    result = subprocess.run([*BANDIT, str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "B324" in result.stdout
