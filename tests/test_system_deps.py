"""scripts/system-deps.sh, run for real with a PATH of our own: the real tools it reads
(ldconfig, fc-list, chromium...) plus an `apt-get` that only records that it was called, and,
to play a user without root, an `id` that answers 1000."""

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-deps.sh"
LIBRARIES = ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0")
TOOLS = ("bash", "fc-list", "chromium", "pdftoppm", "npm", "id", "cat", "tesseract")


def _real(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def _everything_installed() -> str:
    """What is missing on this machine, checked without the script ('' if nothing)."""
    missing = [name for name in TOOLS if _real(name) is None]
    for library in LIBRARIES:
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(library)
    if _real("ldconfig") is None:
        missing.append("ldconfig")
    fc_list = _real("fc-list")
    if fc_list and "dejavusans" not in subprocess.run(
        [fc_list], capture_output=True, text=True
    ).stdout.lower().replace(" ", ""):
        missing.append("DejaVu Sans")
    return ", ".join(missing)


@pytest.fixture
def sandbox(tmp_path):
    """Run the script with PATH = a folder holding links to the real tools, minus `hide`."""
    missing = _everything_installed()
    if missing:
        pytest.skip(f"this machine lacks {missing}: run scripts/system-deps.sh test as root")
    calls = tmp_path / "apt-get.calls"

    def run(purpose: str, *, hide: tuple[str, ...] = (), uid: int | None = None):
        bin_dir = tmp_path / "bin"
        shutil.rmtree(bin_dir, ignore_errors=True)
        bin_dir.mkdir()
        for name in (*TOOLS, "ldconfig"):
            if name not in hide:
                (bin_dir / name).symlink_to(_real(name))
        fake_apt = bin_dir / "apt-get"
        fake_apt.write_text(f'#!{_real("bash")}\necho "$*" >> {calls}\n')
        fake_apt.chmod(0o755)
        if uid is not None:
            fake_id = bin_dir / "id"
            fake_id.unlink(missing_ok=True)
            fake_id.write_text(f"#!{_real('bash')}\necho {uid}\n")
            fake_id.chmod(0o755)
        result = subprocess.run(
            [_real("bash"), str(SCRIPT), purpose],
            env={"PATH": str(bin_dir), "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        recorded = calls.read_text().splitlines() if calls.exists() else []
        calls.unlink(missing_ok=True)
        return result, recorded

    return run


def test_it_installs_nothing_when_everything_is_there(sandbox):
    # Several runs: the old script failed at random, when `grep -q` closed the pipe early.
    for _ in range(5):
        for purpose in ("run", "test"):
            result, apt_calls = sandbox(purpose, uid=0)
            assert result.returncode == 0, result.stderr
            assert apt_calls == []
            assert result.stdout == result.stderr == ""


def test_as_root_it_installs_only_what_is_missing(sandbox):
    result, apt_calls = sandbox("test", hide=("npm", "pdftoppm"), uid=0)
    assert result.returncode == 0, result.stderr
    assert apt_calls == [
        "update -qq",
        "install -y -qq --no-install-recommends poppler-utils npm",
    ]
    assert "poppler-utils npm" in result.stdout


def test_without_root_it_names_what_is_missing_in_one_message(sandbox):
    result, apt_calls = sandbox("test", hide=("npm",), uid=1000)
    assert result.returncode == 1
    assert apt_calls == []
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith("Faltan paquetes del sistema: npm.")
    assert "sudo apt-get install npm" in message


def test_the_run_purpose_does_not_ask_for_the_test_tools(sandbox):
    result, apt_calls = sandbox("run", hide=("npm", "chromium", "pdftoppm"), uid=1000)
    assert result.returncode == 0, result.stderr
    assert apt_calls == []


def test_it_finds_ldconfig_outside_the_users_path(sandbox):
    # A user's PATH often lacks /sbin; the libraries are still there.
    if not os.access("/sbin/ldconfig", os.X_OK):
        pytest.skip("this system has no /sbin/ldconfig")
    result, apt_calls = sandbox("run", hide=("ldconfig",), uid=1000)
    assert result.returncode == 0, result.stderr
    assert apt_calls == []


def test_the_ocr_engine_is_installed_when_missing(sandbox):
    result, apt_calls = sandbox("run", hide=("tesseract",), uid=0)
    assert result.returncode == 0, result.stderr
    assert apt_calls[-1] == "install -y -qq --no-install-recommends tesseract-ocr"
