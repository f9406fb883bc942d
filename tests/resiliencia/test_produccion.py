"""Production settings: HTTPS switches, a CSP with no inline script, `check --deploy` clean
with the documented variables, and a Spanish 500 page that needs no database."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

# What .env.example documents for production (the HTTPS section).
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 10 + "Zq8-p2Lr0vX_mN4sT7wY1bC5eH9jK3dF6gA0uI2oP4lS8xV",
    "DJANGO_REQUIRE_SECRET_KEY": "1",
    "DJANGO_ALLOWED_HOSTS": "oficialia.municipio.gob.mx",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://oficialia.municipio.gob.mx",
    "OFICIALIA_PUBLIC_URL": "https://oficialia.municipio.gob.mx",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_BEHIND_HTTPS_PROXY": "1",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_SUBDOMINIOS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


def _manage(*args: str, env: dict, tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OFICIALIA_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "OFICIALIA_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_documented_production_variables_has_no_warning(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_cache_is_each_process_own(tmp_path):
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = _manage("check", "--deploy", env=without_redis, tmp_path=tmp_path)
    assert "oficialia.W001" in result.stderr + result.stdout
    assert "REDIS_URL" in result.stderr + result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_every_documented_production_variable_is_in_env_example():
    documented = (ROOT / ".env.example").read_text()
    for name in PRODUCTION:
        assert re.search(rf"^#?{name}=", documented, re.M), name


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\s(on[a-z]+)=[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(1)}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not offenders, offenders


def test_pages_carry_a_csp_that_forbids_inline_script(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy
    assert "js/oficialia.js" in response.content.decode()


def test_the_https_switches_turn_on_hsts_and_the_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/tramites/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code != 301  # the load balancer speaks HTTP
    secure = client.get("/tramites/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


def test_the_500_page_is_in_spanish_and_needs_no_database():
    """No `db` fixture: any query in this test raises, like a database that is down."""
    client = Client(raise_request_exception=False)
    response = client.get("/tramites/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="es-MX">' in page
    assert "Algo falló de nuestro lado" in page
    assert "Server Error" not in page
