"""``make test`` on a machine without Chromium: it installs the browser or says what to run."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-browser.sh"


def _run(tmp_path, chromium: str, tools: tuple[str, ...]) -> subprocess.CompletedProcess:
    """The script with only ``tools`` on its PATH (no apt-get, no sudo unless listed)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        target = bin_dir / tool
        if not target.exists():
            target.symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "CHROMIUM": chromium, "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [shutil.which("bash"), str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30
    )


def test_a_browser_already_there_is_used_as_it_is(tmp_path):
    result = _run(tmp_path, shutil.which("true"), ("id", "cat"))
    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


def test_without_a_browser_and_no_way_to_install_it_says_exactly_what_to_run(tmp_path):
    result = _run(tmp_path, str(tmp_path / "no-chromium"), ("id", "cat"))
    assert result.returncode == 1
    assert "sudo apt-get install chromium" in result.stderr
    assert "CHROMIUM=/path/to/chromium make test" in result.stderr
    assert "PYTEST_ARGS='-m \"not browser\"' make test" in result.stderr


def test_make_test_runs_it_before_the_suite():
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert plan.index("ensure-browser.sh") < plan.index("pytest")
