"""The production packaging: docker-compose.yml, Dockerfile, .dockerignore and .env.example.

No Docker engine is needed: the files are read and checked. `docker compose config` runs
only where the compose plugin is installed.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS = ROOT / "config" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")
MEDIA_ROOT = "/app/var/media"
# Read by the image, gunicorn or compose itself rather than by settings.py.
NON_SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_THREADS",
}


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services(compose: dict) -> dict:
    return compose["services"]


def command(service: dict) -> list[str]:
    raw = service.get("command") or []
    return shlex.split(raw) if isinstance(raw, str) else [str(part) for part in raw]


def environment(service: dict) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def env_files(service: dict) -> list[str]:
    raw = service.get("env_file") or []
    entries = [raw] if isinstance(raw, str) else raw
    return [entry if isinstance(entry, str) else entry["path"] for entry in entries]


def volume_mounts(service: dict) -> dict[str, str]:
    """target -> source, for both the short and the long volume syntax."""
    mounts = {}
    for entry in service.get("volumes") or []:
        if isinstance(entry, str):
            parts = entry.split(":")
            if len(parts) >= 2:
                mounts[parts[1]] = parts[0]
        else:
            mounts[entry["target"]] = entry.get("source", "")
    return mounts


def depends_on(service: dict) -> dict[str, str]:
    """dependency -> condition (the short list form means service_started)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def runs_celery(service: dict, subcommand: str) -> bool:
    argv = command(service)
    return "celery" in argv[:3] and subcommand in argv


SETTINGS_PATTERNS = (
    r"""\benv_(?:str|bool|int|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""\bos\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""\bos\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""\bos\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""",
    r"""["']([A-Z][A-Z0-9_]*)["']\s+(?:not\s+)?in\s+os\.environ\b""",
)


def settings_variables() -> set[str]:
    source = SETTINGS.read_text()
    return {name for pattern in SETTINGS_PATTERNS for name in re.findall(pattern, source)}


ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")


def env_example_entries() -> dict[str, tuple[int, str]]:
    """Variable -> (line number, the comment line just above), active or commented out."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    entries = {}
    for number, line in enumerate(lines):
        match = ASSIGNMENT.match(line)
        if match:
            above = lines[number - 1] if number else ""
            entries.setdefault(match.group(1), (number + 1, above))
    return entries


# --- docker-compose.yml --------------------------------------------------------------------


def test_compose_has_every_service(compose):
    assert {"postgres", "redis", *APP_SERVICES} <= set(services(compose))


def test_app_services_share_one_build_and_one_image(compose):
    app = {name: services(compose)[name] for name in APP_SERVICES}
    for name, service in app.items():
        assert service.get("build"), f"{name} has no build"
    assert len({repr(service["build"]) for service in app.values()}) == 1, "different builds"
    assert len({service.get("image") for service in app.values()}) == 1, "different images"
    if "migrate" in services(compose):
        migrate = services(compose)["migrate"]
        assert repr(migrate.get("build")) == repr(app["web"]["build"])
        assert migrate.get("image") == app["web"].get("image")


def test_app_services_share_one_environment(compose):
    app = [services(compose)[name] for name in APP_SERVICES]
    assert all(environment(service) == environment(app[0]) for service in app)
    assert all(env_files(service) == env_files(app[0]) for service in app)
    env = environment(app[0])
    assert env["DATABASE_URL"] == "postgres://oficialia:oficialia@postgres:5432/oficialia"
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert env["REDIS_URL"] == "redis://redis:6379/1"
    assert env["OFICIALIA_MEDIA_ROOT"] == MEDIA_ROOT
    assert env["DJANGO_REQUIRE_SECRET_KEY"] in {"1", "true", "True"}
    # Required from the host: `${DJANGO_SECRET_KEY:?...}` stops compose when it is missing.
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert "DJANGO_ALLOWED_HOSTS" in env
    assert "OFICIALIA_PUBLIC_URL" in env
    assert env.get("DJANGO_DEBUG", "0") in {"", "0", "false", "False"}


def test_compose_environment_names_are_settings_variables(compose):
    """A typo in a variable name would be silently ignored by settings.py."""
    known = settings_variables() | NON_SETTINGS_VARIABLES
    for name in APP_SERVICES:
        unknown = set(environment(services(compose)[name])) - known
        assert not unknown, f"{name} sets variables settings.py does not read: {unknown}"


def test_postgres_and_redis_have_healthchecks(compose):
    postgres = services(compose)["postgres"]["healthcheck"]["test"]
    redis = services(compose)["redis"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(postgres)
    assert "redis-cli" in " ".join(redis) and "ping" in " ".join(redis)


def test_web_waits_for_healthy_services_and_migrations(compose):
    web = services(compose)["web"]
    deps = depends_on(web)
    assert deps.get("postgres") == "service_healthy"
    assert deps.get("redis") == "service_healthy"
    argv = command(web)
    if "migrate" in services(compose):
        migrate = services(compose)["migrate"]
        assert command(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
        assert depends_on(migrate).get("postgres") == "service_healthy"
        assert migrate.get("restart", "no") == "no"
        assert deps.get("migrate") == "service_completed_successfully"
    else:
        assert "manage.py migrate --noinput" in " ".join(argv)
    assert "gunicorn" in " ".join(argv) or not argv  # no command: the image's CMD


def test_worker_waits_for_healthy_services(compose):
    deps = depends_on(services(compose)["worker"])
    assert deps.get("postgres") == "service_healthy"
    assert deps.get("redis") == "service_healthy"


def test_web_healthcheck_and_port(compose):
    web = services(compose)["web"]
    check = " ".join(web["healthcheck"]["test"])
    assert "urllib" in check and "http://127.0.0.1:8000/healthz" in check
    assert "curl" not in check and "wget" not in check  # not in the slim image
    # Two replicas cannot share a host port: web is reached through the proxy service.
    assert [str(port) for port in web["expose"]] == ["8000"] and "ports" not in web
    assert int(web["deploy"]["replicas"]) >= 2
    proxy = services(compose)["proxy"]
    assert any(str(port).endswith(":80") for port in proxy["ports"])


def test_every_node_uses_the_one_object_store(compose):
    env = environment(services(compose)["web"])
    assert env["OFICIALIA_S3_BUCKET"] and env["OFICIALIA_S3_ENDPOINT"] == "http://objetos:8333"
    assert env["OFICIALIA_S3_SECRET_KEY"].startswith("${OFICIALIA_S3_SECRET_KEY:?")
    store = services(compose)["objetos"]
    assert "seaweedfs" in store["image"] and "-s3" in command(store)
    assert "ports" not in store  # only the app reaches it
    for name in ("web", "worker"):
        assert depends_on(services(compose)[name]).get("objetos") == "service_healthy"


class _Healthz(BaseHTTPRequestHandler):
    status = 200
    seen: list[tuple[str, str]] = []

    def do_GET(self):
        type(self).seen.append((self.path, self.headers.get("Host", "")))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    ("allowed_hosts", "expected_host"),
    [
        ("oficialia.municipio.gob.mx,localhost", "oficialia.municipio.gob.mx"),
        (".municipio.gob.mx", "municipio.gob.mx"),
        ("*", "localhost"),
    ],
)
def test_web_healthcheck_passes_only_on_200(compose, allowed_hosts, expected_host):
    """Run the healthcheck's own script against a stand-in for /healthz."""
    test = services(compose)["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    script = test[test.index("-c") + 1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        local = script.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{server.server_port}")
        assert local != script
        env = {**os.environ, "DJANGO_ALLOWED_HOSTS": allowed_hosts}

        def check(status: int) -> int:
            _Healthz.status = status
            run = subprocess.run([sys.executable, "-c", local], env=env, capture_output=True)
            return run.returncode

        _Healthz.seen = []
        assert check(200) == 0
        assert check(503) != 0
        assert check(500) != 0
        path, host = _Healthz.seen[0]
        assert path == "/healthz"
        # Django's own host validation would let the check through.
        assert host == expected_host
        assert validate_host(host, [h.strip() for h in allowed_hosts.split(",")])
    finally:
        server.shutdown()
        server.server_close()


def test_web_and_worker_share_the_media_volume(compose):
    web = volume_mounts(services(compose)["web"])
    worker = volume_mounts(services(compose)["worker"])
    assert MEDIA_ROOT in web and MEDIA_ROOT in worker
    assert web[MEDIA_ROOT] == worker[MEDIA_ROOT]
    volume = web[MEDIA_ROOT]
    assert not volume.startswith((".", "/")), "media must be a named volume"
    assert volume in (compose.get("volumes") or {})


def test_postgres_data_is_a_named_volume(compose):
    mounts = volume_mounts(services(compose)["postgres"])
    assert mounts.get("/var/lib/postgresql/data") in (compose.get("volumes") or {})


def test_worker_and_exactly_one_beat(compose):
    all_services = services(compose)
    assert runs_celery(all_services["worker"], "worker")
    assert "--loglevel=INFO" in command(all_services["worker"])
    beats = [name for name, service in all_services.items() if runs_celery(service, "beat")]
    embedded = [
        name
        for name, service in all_services.items()
        if runs_celery(service, "worker") and {"-B", "--beat"} & set(command(service))
    ]
    assert beats == ["beat"] and not embedded
    beat = all_services["beat"]
    argv = command(beat)
    assert argv[argv.index("--schedule") + 1] == "/app/var/celerybeat-schedule"
    replicas = (beat.get("deploy") or {}).get("replicas", 1)
    assert int(beat.get("scale", replicas)) == 1


def test_compose_config_is_valid(tmp_path):
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin")
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "test-only",
        "OFICIALIA_PUBLIC_URL": "https://oficialia.example.gob.mx",
        "OFICIALIA_S3_ACCESS_KEY": "test-only",
        "OFICIALIA_S3_SECRET_KEY": "test-only-secret",
    }
    # --env-file: a .env of the checkout must not change the outcome.
    argv = [
        *(docker, "compose", "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE)),
        *("--env-file", str(empty_env_file), "config", "-q"),
    ]

    def config(env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    result = config(env)
    assert result.returncode == 0, result.stderr
    # Without the secret key compose refuses to start anything.
    env.pop("DJANGO_SECRET_KEY")
    result = config(env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


# --- .env.example --------------------------------------------------------------------------


def test_settings_variables_are_found():
    """Guards the regular expressions: if they stopped matching, the next test would pass."""
    found = settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"} <= found
    assert {"DJANGO_ALLOWED_HOSTS", "OFICIALIA_MEDIA_ROOT", "EMAIL_HOST", "LOG_LEVEL"} <= found
    assert len(found) >= 30


def test_env_example_lists_every_settings_variable():
    missing = settings_variables() - set(env_example_entries())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_comments_every_variable():
    for name, (line, above) in env_example_entries().items():
        assert above.startswith("# ") and not ASSIGNMENT.match(above), (
            f".env.example:{line}: {name} needs a one-line comment just above it"
        )
        assert "Predeterminado" in above, f".env.example:{line}: say {name}'s default"


def test_env_example_names_only_real_variables():
    """Every entry is read by settings.py, or by compose, the image or gunicorn."""
    compose_text = COMPOSE_FILE.read_text()
    extra = set(env_example_entries()) - settings_variables() - NON_SETTINGS_VARIABLES
    unknown = {name for name in extra if "${" + name not in compose_text}
    assert not unknown, f".env.example names variables nothing reads: {sorted(unknown)}"


# --- Dockerfile and .dockerignore ----------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_base_and_system_libraries():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    apt = " ".join(rest for keyword, rest in instructions if keyword == "RUN" and "apt-get" in rest)
    assert "--no-install-recommends" in apt
    # What scripts/system-deps.sh checks for `run` must be in the image too.
    script = (ROOT / "scripts" / "system-deps.sh").read_text()
    run_part = script.split('if [ "$purpose" = test ]')[0]
    groups = re.findall(r"missing\+=\(([^)]*)\)", run_part)
    packages = {package for group in groups for package in group.split()}
    assert {"libpango-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"} <= packages
    assert packages <= set(apt.split()), f"missing from the image: {packages - set(apt.split())}"


def test_dockerfile_installs_collects_static_and_drops_root():
    instructions = dockerfile_instructions()
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install \.(\s|$)", run) for run in runs)
    collect = next(i for i, (k, rest) in enumerate(instructions) if "collectstatic" in rest)
    assert "DJANGO_SECRET_KEY=" in instructions[collect][1]
    assert "--noinput" in instructions[collect][1]
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert instructions.index(("USER", users[-1])) > collect
    assert ("WORKDIR", "/app") in instructions
    cmd = next(rest for keyword, rest in reversed(instructions) if keyword == "CMD")
    assert "gunicorn" in cmd and "config.wsgi:application" in cmd and "0.0.0.0:8000" in cmd


def test_dockerignore_keeps_local_state_and_secrets_out():
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git", "tests/artifacts", ".env"} <= patterns
    assert "**/__pycache__" in patterns  # a bare `__pycache__` matches only at the root


def test_a_web_worker_loads_every_view_before_its_first_request():
    """gunicorn imports config.wsgi as each worker starts: the URLconf and the views it
    names are loaded then, so the first request a new worker serves does not pay for it."""
    probe = (
        "import sys, config.wsgi;"
        "print(all(m in sys.modules for m in ('portal.views', 'transparencia.views',"
        " 'turnos.views', 'config.urls')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=Path(__file__).resolve().parent.parent, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
