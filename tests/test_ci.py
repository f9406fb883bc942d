""".ci/run, run for real with a PATH whose `make`, `pg_isready` and `redis-cli` only record
what CI asked of them: the README's `make test` first, with nothing set (even on a machine
that exports the services' variables), then the services suite, then lint; any failure
makes the exit code non-zero, and a failure does not stop the steps after it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / ".ci" / "run"
WATCHED = (
    "DATABASE_URL",
    "TEST_REDIS_URL",
    "REQUIRE_SERVICES",
    "CELERY_BROKER_URL",
    "OFICIALIA_PUBLIC_URL",
    "EMAIL_HOST",
)


def run_ci(tmp_path: Path, *, failing_call: int | None = None) -> tuple[int, list[dict]]:
    bash = shutil.which("bash")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "make.log"
    fields = " ".join(f"{name}=${{{name}-unset}}" for name in WATCHED)
    fail = f'[ "$(wc -l < {log})" = {failing_call} ] && exit 2' if failing_call else ""
    (bin_dir / "make").write_text(f'#!{bash}\necho "$* | {fields}" >> {log}\n{fail}\nexit 0\n')
    for name in ("pg_isready", "redis-cli"):
        (bin_dir / name).write_text(f"#!{bash}\nexit 0\n")
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    # A machine that exports everything: the first run must not see any of it.
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/elsewhere",
        "TEST_REDIS_URL": "redis://127.0.0.1:6379/3",
        "REQUIRE_SERVICES": "1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/4",
        "OFICIALIA_PUBLIC_URL": "https://elsewhere.example",
        "EMAIL_HOST": "smtp.example",
    }
    result = subprocess.run(
        [bash, str(CI)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    calls = []
    for line in log.read_text().splitlines():
        args, values = line.split(" | ")
        calls.append({"args": args, **dict(v.split("=", 1) for v in values.split())})
    return result.returncode, calls


def test_ci_runs_make_test_as_the_readme_says_then_with_services_then_lint(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    code, calls = run_ci(tmp_path)
    assert code == 0
    assert [c["args"] for c in calls] == ["test", "test", "lint"]
    bare, services, _ = calls
    assert {bare[name] for name in WATCHED} == {"unset"}
    assert services["DATABASE_URL"].startswith("postgres://")
    assert services["TEST_REDIS_URL"].startswith("redis://")
    assert services["REQUIRE_SERVICES"] == "1"


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_any_failing_step_fails_ci_and_the_others_still_run(tmp_path, failing_call):
    code, calls = run_ci(tmp_path, failing_call=failing_call)
    assert code != 0
    assert [c["args"] for c in calls] == ["test", "test", "lint"]
