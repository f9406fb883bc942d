"""Paper originals: the box they are kept in, and loans with their reminders."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archivo.expedientes import escrito_classify
from archivo.models import Caja, Deposito, Estante, Prestamo, UbicacionOriginal
from archivo.originales import (
    original_place,
    place_from_text,
    prestamo_open,
    prestamo_return,
    prestamos_remind,
)
from correspondencia.models import Channel
from oficialia.acciones import ActionError
from oficialia.models import Notificacion
from tests.factories import UserFactory, escrito_form_data, file_escrito

from .conftest import file_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def caja(db):
    deposito = Deposito.objects.create(codigo="AT", nombre="Archivo de trámite de la Oficialía")
    estante = Estante.objects.create(deposito=deposito, codigo="E02")
    return Caja.objects.create(estante=estante, codigo="C014", descripcion="Peticiones 2026")


def test_a_box_is_named_by_its_label(caja):
    assert caja.etiqueta == "AT-E02-C014"
    assert place_from_text("at-e02-c014, legajo 4") == (caja, "4")
    assert place_from_text("AT-E02-C014") == (caja, "")
    assert place_from_text("Archivo, caja 7") is None


def test_a_capture_naming_a_box_links_its_original(
    client, ventanilla_clerk, caja, django_capture_on_commit_callbacks
):
    client.force_login(ventanilla_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ventanilla_nuevo"),
            escrito_form_data(
                channel="ventanilla", fojas=2, ubicacion_original="AT-E02-C014, legajo 4"
            ),
        )
    ubicacion = UbicacionOriginal.objects.get()
    assert (ubicacion.caja, ubicacion.legajo) == (caja, "4")


def test_the_archivist_places_an_original_and_the_escrito_says_so(caja, archivista):
    escrito = file_escrito(channel=Channel.VENTANILLA, queue_acuse=False).escrito
    original_place(escrito_id=escrito.pk, caja=caja, legajo="7", user=archivista)
    escrito.refresh_from_db()
    assert escrito.ubicacion_original == "AT-E02-C014, legajo 7"
    assert escrito.history.latest().history_change_reason == "Ubicación del original"


@pytest.fixture
def expediente(cuadro, bacheo):
    return escrito_classify(escrito_id=file_with(bacheo).pk)


def test_an_overdue_loan_reminds_the_borrower_and_the_archive_once_a_day(expediente, archivista):
    titular = UserFactory(username="olga.titular", first_name="Olga", roles=["titular"])
    prestamo = prestamo_open(
        expediente_id=expediente.pk,
        solicitante=titular,
        motivo="Revisión para la respuesta",
        vence=timezone.localdate() + timedelta(days=3),
        user=archivista,
    )
    assert prestamos_remind() == 0  # not due yet
    due = prestamo.vence
    assert prestamos_remind(today=due) == 1
    assert (
        Notificacion.objects.get(user=titular).texto
        == f"Hoy debe devolver el expediente {expediente.numero}"
    )
    assert prestamos_remind(today=due) == 0  # once a day
    later = due + timedelta(days=2)
    assert prestamos_remind(today=later) == 1
    overdue = Notificacion.objects.filter(texto__contains="debió devolverse hace 2 días")
    assert {n.user for n in overdue} == {titular, archivista}
    prestamo_return(prestamo_id=prestamo.pk, user=archivista)
    assert prestamos_remind(today=later + timedelta(days=1)) == 0


def test_a_lent_expediente_cannot_be_lent_twice(expediente, archivista):
    titular = UserFactory(username="olga.titular", roles=["titular"])
    vence = timezone.localdate() + timedelta(days=5)
    first = prestamo_open(
        expediente_id=expediente.pk, solicitante=titular, motivo="a", vence=vence, user=archivista
    )
    with pytest.raises(ActionError, match="ya está prestado"):
        prestamo_open(
            expediente_id=expediente.pk,
            solicitante=archivista,
            motivo="b",
            vence=vence,
            user=archivista,
        )
    prestamo_return(prestamo_id=first.pk, user=archivista)
    with pytest.raises(ActionError, match="ya se devolvió"):
        prestamo_return(prestamo_id=first.pk, user=archivista)
    prestamo_open(
        expediente_id=expediente.pk,
        solicitante=archivista,
        motivo="b",
        vence=vence,
        user=archivista,
    )
    assert Prestamo.objects.count() == 2  # the ledger keeps both


def test_the_ledger_page_lends_and_takes_back(client, expediente, archivista):
    titular = UserFactory(username="olga.titular", first_name="Olga", roles=["titular"])
    client.force_login(archivista)
    url = reverse("archivo_prestamos")
    response = client.post(
        url,
        {
            "expediente": expediente.numero.lower(),
            "solicitante": titular.pk,
            "motivo": "Consulta",
            "vence": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    prestamo = Prestamo.objects.get()
    page = client.get(reverse("archivo_expediente", args=[expediente.numero])).content.decode()
    assert 'data-testid="prestado"' in page
    client.post(reverse("archivo_prestamo_devolver", args=[prestamo.pk]))
    prestamo.refresh_from_db()
    assert prestamo.devuelto_en is not None and prestamo.recibido_por == archivista
    assert "Olga" in client.get(url).content.decode()


def test_a_loan_due_in_the_past_is_refused(expediente, archivista):
    with pytest.raises(ActionError, match="no puede haber pasado"):
        prestamo_open(
            expediente_id=expediente.pk,
            solicitante=archivista,
            motivo="x",
            vence=date(2020, 1, 1),
            user=archivista,
        )


def test_the_box_label_is_a_pdf(client, caja, archivista):
    client.force_login(archivista)
    response = client.get(reverse("archivo_caja_etiqueta", args=[caja.pk]))
    assert response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    assert "AT-E02-C014" in PdfReader(BytesIO(response.content)).pages[0].extract_text()


def test_the_loan_reminders_run_every_morning_through_beat_and_the_worker(
    expediente, archivista, time_machine
):
    """The beat entry names a task the worker knows, at a time of day in Mexico City, and the
    task itself (not only the service) sends the overdue reminder."""
    from config.celery import app as celery_app

    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["loan-reminders"]
    assert entry["task"] == "archivo.tasks.remind_loans" and entry["task"] in celery_app.tasks
    assert celery_app.conf.timezone == "America/Mexico_City"
    assert entry["schedule"].hour == {8}

    borrower = UserFactory(username="olga.titular", first_name="Olga", roles=["titular"])
    prestamo_open(
        expediente_id=expediente.pk,
        solicitante=borrower,
        motivo="Revisión",
        vence=timezone.localdate() + timedelta(days=1),
        user=archivista,
    )
    time_machine.move_to(timezone.now() + timedelta(days=3), tick=False)
    assert celery_app.tasks[entry["task"]].apply().get() == 1
    assert Notificacion.objects.filter(user=borrower, texto__contains="debió devolverse").exists()
