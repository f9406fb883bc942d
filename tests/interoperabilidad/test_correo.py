"""Email intake against a real IMAP server (dovecot, started by the test): each message
becomes one draft, is never read twice, survives a worker killed mid-message, and the
ventanilla turns it into an escrito or rejects it."""

import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from correspondencia.models import Channel, Escrito
from interoperabilidad.correo import mailbox_read
from interoperabilidad.models import Buzon, CorreoEntrante, CorreoState
from tests.conftest import ROOT, _database_url
from tests.factories import pdf_bytes

SENDER = "lupita@example.com"


def message(subject="Solicitud de poda de un árbol", pdf=True, junk=False) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Guadalupe Hernández <{SENDER}>"
    msg["To"] = "oficialia@ayuntamiento.gob.mx"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@example.com>"
    msg.set_content("Solicito la poda del árbol frente a mi domicilio en calle Hidalgo 45.")
    if pdf:
        msg.add_attachment(
            pdf_bytes(2), maintype="application", subtype="pdf", filename="solicitud.pdf"
        )
    if junk:
        msg.add_attachment(
            b"MZ\x90\x00 an executable", maintype="application", subtype="pdf", filename="foto.pdf"
        )
    return msg.as_bytes()


def test_a_message_becomes_one_draft_with_its_attachments_checked(dovecot, db):
    dovecot.append(message(junk=True))
    assert mailbox_read() == 1
    correo = CorreoEntrante.objects.get()
    assert (correo.remitente, correo.remitente_nombre) == (SENDER, "Guadalupe Hernández")
    assert correo.asunto == "Solicitud de poda de un árbol"
    assert "calle Hidalgo 45" in correo.cuerpo
    good, bad = correo.adjuntos.order_by("pk")
    assert (good.original_name, good.content_type, good.pages, good.error) == (
        "solicitud.pdf",
        "application/pdf",
        2,
        "",
    )
    assert "no es un PDF, JPEG ni PNG" in bad.error
    assert not bad.file
    # Read again: nothing new, nothing twice.
    assert mailbox_read() == 0
    dovecot.append(message("Segunda petición"))
    assert mailbox_read() == 1
    assert CorreoEntrante.objects.count() == 2
    buzon = Buzon.objects.get()
    assert buzon.last_uid == 2
    assert buzon.uidvalidity > 0


def test_the_reader_does_nothing_without_a_mailbox(settings, db):
    settings.IMAP_HOST = ""
    assert mailbox_read() == 0


def test_a_new_uidvalidity_reads_from_the_start_without_duplicates(dovecot, db):
    dovecot.append(message())
    mailbox_read()
    buzon = Buzon.objects.get()
    # The server renumbered the folder (restored from a backup, recreated): all UIDs are new.
    Buzon.objects.filter(pk=buzon.pk).update(uidvalidity=buzon.uidvalidity - 1, last_uid=7)
    dovecot.append(message("Otra"))
    assert mailbox_read() == 1
    assert sorted(CorreoEntrante.objects.values_list("asunto", flat=True)) == [
        "Otra",
        "Solicitud de poda de un árbol",
    ]
    assert Buzon.objects.get().uidvalidity == buzon.uidvalidity


def test_the_clerk_files_it_and_the_acuse_goes_back_to_the_sender(
    dovecot, ventanilla_client, django_capture_on_commit_callbacks
):
    dovecot.append(message(junk=True))
    mailbox_read()
    correo = CorreoEntrante.objects.get()
    queue = ventanilla_client.get(reverse("correo_bandeja"))
    assert "Solicitud de poda de un árbol" in queue.content.decode()
    page = ventanilla_client.get(reverse("correo_detalle", args=[correo.pk]))
    assert "no se acepta" in page.content.decode()
    form = {
        "tipo": "fisica",
        "nombre": "Guadalupe Hernández",
        "asunto": "Poda de árbol en calle Hidalgo",
        "texto": correo.cuerpo,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = ventanilla_client.post(reverse("correo_detalle", args=[correo.pk]), form)
    escrito = Escrito.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ventanilla_escrito", args=[escrito.folio])
    assert escrito.channel == Channel.CORREO_ELECTRONICO
    assert escrito.peticionario.email == SENDER
    assert escrito.received_at == correo.recibido_en
    assert [a.original_name for a in escrito.adjuntos.all()] == ["solicitud.pdf"]
    correo.refresh_from_db()
    assert (correo.state, correo.escrito) == (CorreoState.RADICADO, escrito)
    (acuse,) = [m for m in mail.outbox if m.to == [SENDER]]
    assert escrito.folio in acuse.subject
    assert acuse.attachments[0][0] == f"acuse-{escrito.folio}.pdf"
    # A second click files nothing new.
    ventanilla_client.post(reverse("correo_detalle", args=[correo.pk]), form)
    assert Escrito.objects.count() == 1


def test_the_clerk_rejects_it_with_a_reason_sent_to_the_sender(
    dovecot, ventanilla_client, django_capture_on_commit_callbacks
):
    dovecot.append(message("Oferta de seguros", pdf=False))
    mailbox_read()
    correo = CorreoEntrante.objects.get()
    url = reverse("correo_rechazar", args=[correo.pk])
    empty = ventanilla_client.post(url, {"motivo": " "})
    assert empty.status_code == 200
    assert "obligatorio" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ventanilla_client.post(url, {"motivo": "Es publicidad, no una petición."})
    correo.refresh_from_db()
    assert correo.state == CorreoState.RECHAZADO
    (reply,) = mail.outbox
    assert reply.to == [SENDER]
    assert "Es publicidad, no una petición." in reply.body
    assert Escrito.objects.count() == 0


def test_only_the_ventanilla_sees_the_queue(client, turnador, db):
    client.force_login(turnador)
    assert client.get(reverse("correo_bandeja")).status_code == 403


KILL_MIDWAY = """
import os, signal
import django
django.setup()
from interoperabilidad import correo

real = correo._store_attachment

def store_then_die(*args, **kwargs):
    real(*args, **kwargs)      # the PDF is on disk, the draft is not committed yet
    os.kill(os.getpid(), signal.SIGKILL)

correo._store_attachment = store_then_die
correo.mailbox_read()
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_message_loses_nothing_and_files_once(
    settings, dovecot, client, ventanilla_clerk
):
    dovecot.append(message())
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "OFICIALIA_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OFICIALIA_IMAP_HOST": "127.0.0.1",
        "OFICIALIA_IMAP_PORT": str(dovecot.port),
        "OFICIALIA_IMAP_SSL": "0",
        "OFICIALIA_IMAP_USUARIO": django_settings.IMAP_USER,
        "OFICIALIA_IMAP_CONTRASENA": django_settings.IMAP_PASSWORD,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MIDWAY], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert killed.returncode == -9, killed.stderr.decode()
    assert list(Path(settings.MEDIA_ROOT).rglob("*.pdf")), "it died after storing the file"
    assert CorreoEntrante.objects.count() == 0
    assert Buzon.objects.get().last_uid == 0
    # The next run reads the same message again, once.
    assert mailbox_read() == 1
    assert mailbox_read() == 0
    correo = CorreoEntrante.objects.get()
    client.force_login(ventanilla_clerk)
    form = {"tipo": "fisica", "nombre": "Guadalupe Hernández", "asunto": correo.asunto}
    for _ in range(2):
        client.post(reverse("correo_detalle", args=[correo.pk]), form)
    escrito = Escrito.objects.get()
    assert escrito.adjuntos.get().pages == 2
    assert CorreoEntrante.objects.get().escrito == escrito
