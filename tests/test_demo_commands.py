"""What `make run` hands the demo: the address of ADDR for acuse QR codes and email links,
and a folder where every email the demo sends can be read."""

import os
import re
import shutil
import subprocess
import sys
from email import message_from_string
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from correspondencia.acuse import acuse_context, verification_url
from correspondencia.models import Acuse
from tests.factories import file_escrito

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_VARIABLES = ("OFICIALIA_PUBLIC_URL", "DJANGO_ALLOWED_HOSTS", "EMAIL_HOST", "EMAIL_BACKEND")


def make_run(tmp_path: Path, *make_args: str, env: dict | None = None) -> list[dict]:
    """`make run` for real, with PY pointing at a recorder instead of the virtualenv's python:
    each `manage.py` step it would run is written down with what it would have seen."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    log = tmp_path / "steps.log"
    recorder = tmp_path / "python"
    recorder.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\t%s\\t%s\\n" "$OFICIALIA_PUBLIC_URL" "$DJANGO_ALLOWED_HOSTS" "$*" >> {log}\n'
    )
    recorder.chmod(0o755)
    base = {k: v for k, v in os.environ.items() if k not in PUBLIC_VARIABLES}
    result = subprocess.run(
        # -o: take the virtualenv as installed; setup still checks the system packages.
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            "run",
            f"PY={recorder}",
            *make_args,
        ],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    steps = []
    for line in log.read_text().splitlines():
        public_url, hosts, args = line.split("\t")
        steps.append({"public_url": public_url, "hosts": hosts, "args": args})
    return steps


def settings_seen_with(env: dict) -> str:
    """PUBLIC_BASE_URL as config/settings.py reads it from that environment."""
    base = {k: v for k, v in os.environ.items() if k not in PUBLIC_VARIABLES}
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.PUBLIC_BASE_URL)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_make_run_addr_is_the_address_of_every_step(tmp_path):
    steps = make_run(tmp_path, "ADDR=127.0.0.1:18123")
    assert [s["args"].split()[:2] for s in steps] == [
        ["manage.py", "migrate"],
        ["manage.py", "collectstatic"],
        ["manage.py", "cargar_demo"],  # makes the recent acuses: their QR codes too
        ["manage.py", "runserver"],
    ]
    assert steps[-1]["args"] == "manage.py runserver 127.0.0.1:18123"
    assert {s["public_url"] for s in steps} == {"http://127.0.0.1:18123"}
    assert {s["hosts"] for s in steps} == {"127.0.0.1,localhost,127.0.0.1"}
    assert settings_seen_with({"OFICIALIA_PUBLIC_URL": steps[0]["public_url"]}) == (
        "http://127.0.0.1:18123"
    )


def test_make_run_with_a_bare_port_or_another_host(tmp_path):
    (step, *_) = make_run(tmp_path, "ADDR=18124")
    assert step["public_url"] == "http://127.0.0.1:18124"
    (tmp_path / "steps.log").unlink()
    (step, *_) = make_run(tmp_path, "ADDR=192.168.10.5:18125")
    assert step["public_url"] == "http://192.168.10.5:18125"
    assert step["hosts"] == "127.0.0.1,localhost,192.168.10.5"  # or Django answers 400


def test_an_oficialia_public_url_that_is_set_wins_over_addr(tmp_path):
    steps = make_run(
        tmp_path,
        "ADDR=127.0.0.1:18126",
        env={"OFICIALIA_PUBLIC_URL": "https://oficialia.municipio.gob.mx"},
    )
    assert {s["public_url"] for s in steps} == {"https://oficialia.municipio.gob.mx"}


def test_with_nothing_set_the_address_is_the_default_one():
    assert settings_seen_with({}) == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_the_acuse_qr_and_the_email_links_carry_the_public_address(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:18123"
    with django_capture_on_commit_callbacks(execute=True):
        escrito = file_escrito(email="vecina@example.com").escrito
    acuse = Acuse.objects.get(escrito=escrito)
    url = verification_url(acuse)
    assert url.startswith("http://127.0.0.1:18123/verificar/")
    context = acuse_context(acuse)
    assert context["verification_url"] == url
    assert context["consulta_url"] == "http://127.0.0.1:18123/consulta/"
    (message,) = mailoutbox
    assert "http://127.0.0.1:18123/consulta/" in message.body
    assert "8000" not in message.body


def test_with_nothing_set_emails_go_to_files_in_var_correos(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in PUBLIC_VARIABLES}
    base.pop("OFICIALIA_CORREOS_DIR", None)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "OFICIALIA_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.core.mail.backends.filebased.EmailBackend", str(tmp_path / "correos")]


@pytest.mark.django_db
def test_the_account_confirmation_link_can_be_read_in_the_folder(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    folder = tmp_path / "correos"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder)
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:18123"
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cuenta_registro"),
            {
                "email": "lupita@example.com",
                "password1": "Una-clave-larga-2026",
                "password2": "Una-clave-larga-2026",
                "acepto_aviso": "on",
            },
        )
    assert response.status_code == 302
    (file,) = folder.glob("*.log")
    message = message_from_string(file.read_text(encoding="utf-8"))
    assert message["To"] == "lupita@example.com"
    body = message.get_payload()
    link = re.search(r"http://127\.0\.0\.1:18123(/mi-cuenta/confirmar/\S+)", body).group(1)
    assert "Su correo quedó confirmado" in client.get(link).content.decode()
