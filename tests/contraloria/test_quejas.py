"""Quejas y denuncias: filed by anyone (anonymous allowed), seen only by the contraloría, moved
through recibida → en investigación → concluida, and read back with folio and code."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from contraloria import quejas_services
from contraloria.models import Queja, QuejaKind, QuejaState
from correspondencia.models import Channel
from oficialia import bitacora
from oficialia.models import Bitacora, FolioCounter
from oficialia.roles import Role
from tests.factories import (
    SecretariaFactory,
    UserFactory,
    escrito_form_data,
    file_escrito,
    image_bytes,
    pdf_bytes,
    upload,
)
from tests.turnos.conftest import staff_member
from turnos.services import Route, escrito_turn, turno_accept

pytestmark = pytest.mark.django_db

FOLIO_RE = re.compile(r"^QD-\d{4}-\d{6}$")
HECHOS = "Un señor afuera de Catastro me cobró 800 pesos por «agilizar» mi constancia."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def obras(db):
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def agua(db):
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


@pytest.fixture
def personas(obras, agua, ventanilla_clerk, turnador, contraloria_user) -> dict:
    """Every staff role (and no role at all): only `contraloria` may see a queja."""
    return {
        "ventanilla": ventanilla_clerk,
        "turnador": turnador,
        "titular_obras": staff_member("olga.titular", "Olga", Role.TITULAR, obras),
        "enlace_obras": staff_member("ernesto.enlace", "Ernesto", Role.ENLACE, obras),
        "operativo_obras": staff_member("oscar.operativo", "Óscar", Role.OPERATIVO, obras),
        "titular_agua": staff_member("alma.titular", "Alma", Role.TITULAR, agua),
        "administracion": UserFactory(username="adan.admin", roles=[Role.ADMINISTRACION]),
        "sin_rol": UserFactory(username="saul.sinrol"),
        "contraloria": contraloria_user,
    }


def queja_form_data(**overrides) -> dict:
    """An anonymous queja, as typed on the public form."""
    data = {
        "kind": QuejaKind.COYOTAJE,
        "hechos": HECHOS,
        "fecha_hechos": "",
        "escrito_folio": "",
        "secretaria": "",
        "servidor_publico": "",
        "nombre": "",
        "email": "",
        "telefono": "",
        "acepto_aviso": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def file_queja(client: Client, **overrides) -> tuple[Queja, str]:
    """File through the public form; return the queja and the code its receipt page shows."""
    response = client.post(reverse("queja_nueva"), queja_form_data(**overrides), follow=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    queja = response.context["queja"]
    return queja, response.context["access_code"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def action(client: Client, queja: Queja, name: str, **data):
    url = reverse("contraloria_queja_accion", kwargs={"folio": queja.folio, "action": name})
    return client.post(url, data, follow=True)


# Filing ------------------------------------------------------------------------------------


def test_an_anonymous_queja_gets_its_own_folio_and_an_access_code(client):
    queja, code = file_queja(client)
    assert FOLIO_RE.match(queja.folio)
    assert queja.folio == f"QD-{timezone.localdate().year}-000001"
    assert re.match(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$", code)
    queja.refresh_from_db()
    assert queja.is_anonymous
    assert queja.state == QuejaState.RECIBIDA
    assert queja.kind == QuejaKind.COYOTAJE
    assert queja.hechos == HECHOS
    # Only a keyed hash and a sealed copy of the code are stored.
    assert code.replace("-", "") not in queja.access_code_hash + queja.access_code_sealed


def test_the_receipt_page_shows_the_folio_and_the_code(client):
    response = client.post(reverse("queja_nueva"), queja_form_data(), follow=True)
    page = response.content.decode()
    queja = Queja.objects.get()
    assert response.redirect_chain == [
        (reverse("queja_recibida", kwargs={"token": queja.submission_token}), 302)
    ]
    assert queja.folio in page
    assert response.context["access_code"] in page
    assert "no hay otra forma de recuperarlo" in page  # anonymous: say so


def test_the_receipt_page_closes_after_a_day(client):
    queja, _ = file_queja(client)
    url = reverse("queja_recibida", kwargs={"token": queja.submission_token})
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = client.get(url)
    assert response.status_code == 404
    assert queja.folio not in response.content.decode()


def test_the_qd_series_is_its_own_and_has_no_gaps(client, monkeypatch, media_files):
    year = timezone.localdate().year
    assert file_escrito(queue_acuse=False).escrito.folio == f"OP-{year}-000001"
    first, _ = file_queja(client)

    def broken_step(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(quejas_services, "_step", broken_step)
    with pytest.raises(RuntimeError):
        quejas_services.queja_file(
            data=quejas_services.QuejaData(
                kind=QuejaKind.SOBORNO,
                hechos="Me pidieron dinero.",
                adjuntos=_inspected([upload("foto.png", image_bytes(), "image/png")]),
            )
        )
    monkeypatch.undo()
    # The failed filing gave its number back and left no file behind.
    assert [name for name in media_files() if name.startswith("quejas/")] == []
    second, _ = file_queja(client)
    assert (first.folio, second.folio) == (f"QD-{year}-000001", f"QD-{year}-000002")
    assert FolioCounter.objects.get(series="QD", year=year).last_number == 2
    assert FolioCounter.objects.get(series="OP", year=year).last_number == 1


def _inspected(uploads):
    from oficialia.adjuntos import inspect_all

    return inspect_all(uploads)


def test_a_queja_may_name_a_folio_a_secretaria_a_servant_and_bring_evidence(
    client, obras, media_files
):
    evidence = [
        upload("recibo.pdf", pdf_bytes(2), "application/pdf"),
        upload("foto.jpg", image_bytes("JPEG"), "image/jpeg"),
    ]
    queja, _ = file_queja(
        client,
        kind=QuejaKind.SOBORNO,
        escrito_folio=" op-2026-000123 ",
        secretaria=obras.pk,
        servidor_publico="El inspector  de la ventanilla 3",
        fecha_hechos="2026-01-15",
        nombre="Rosa Martínez",
        email="rosa@example.com",
        adjuntos=evidence,
    )
    queja.refresh_from_db()
    assert queja.escrito_folio == "OP-2026-000123"
    assert queja.secretaria == obras
    assert queja.servidor_publico == "El inspector de la ventanilla 3"
    assert str(queja.fecha_hechos) == "2026-01-15"
    assert not queja.is_anonymous
    stored = [(a.original_name, a.content_type, a.pages) for a in queja.adjuntos.all()]
    assert stored == [("recibo.pdf", "application/pdf", 2), ("foto.jpg", "image/jpeg", None)]
    # In a folder of their own, named by the server; never where the escritos' sweeper looks.
    files = media_files()
    assert len(files) == 2 and all(name.startswith("quejas/") for name in files)
    assert not any("recibo" in name for name in files)


def test_evidence_is_judged_by_its_content(client, media_files):
    fake = upload("recibo.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(reverse("queja_nueva"), queja_form_data(adjuntos=[fake]))
    assert response.status_code == 200
    assert "no es un PDF, JPEG ni PNG" in response.content.decode()
    assert not Queja.objects.exists()
    assert media_files() == []


def test_the_form_explains_what_is_missing_in_spanish(client):
    data = queja_form_data(kind="", hechos="  ", acepto_aviso="", escrito_folio="123")
    response = client.post(reverse("queja_nueva"), data)
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Elija qué quiere reportar.",
        "Cuéntenos qué pasó.",
        "Para presentar la queja debe leer el aviso de privacidad.",
        "El folio tiene la forma OP-2026-000123",
    ):
        assert message in page
    assert not Queja.objects.exists()


def test_a_second_post_of_the_same_form_files_once(client):
    data = queja_form_data()
    first = client.post(reverse("queja_nueva"), data)
    second = client.post(reverse("queja_nueva"), data)
    assert Queja.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    # The service itself is idempotent too (a request that raced past the view's check).
    token = Queja.objects.get().submission_token
    again = quejas_services.queja_file(
        data=quejas_services.QuejaData(kind=QuejaKind.OTRA, hechos="Otra vez"),
        submission_token=token,
    )
    assert not again.created and Queja.objects.count() == 1


def test_the_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("queja_nueva"), queja_form_data())
    assert response.status_code == 403
    assert not Queja.objects.exists()


def test_filings_are_rate_limited_per_address(client, settings):
    settings.RATE_QUEJAS = "2/h"
    for _ in range(2):
        assert client.post(reverse("queja_nueva"), queja_form_data()).status_code == 302
    response = client.post(reverse("queja_nueva"), queja_form_data())
    assert response.status_code == 429
    assert Queja.objects.count() == 2
    other = client.post(reverse("queja_nueva"), queja_form_data(), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_the_filing_is_on_record_without_the_reporters_data(client, contraloria_user):
    # Even a signed-in member of staff files as "Denunciante": a denuncia is not signed by
    # the session it happens to be sent from.
    staff = signed_in(contraloria_user)
    response = staff.post(
        reverse("queja_nueva"),
        queja_form_data(nombre="Rosa Martínez", email="rosa@example.com", telefono="7471234567"),
    )
    assert response.status_code == 302
    queja = Queja.objects.get()
    entry = Bitacora.objects.get(action="queja.recibir")
    assert entry.actor is None
    assert entry.actor_label == f"Denunciante ({queja.folio})"
    assert entry.folio == queja.folio and entry.object_type == "queja"
    recorded = str(entry.changes)
    for private in ("Rosa", "rosa@example.com", "7471234567", "800 pesos"):
        assert private not in recorded
    assert entry.changes["anonima"] is False
    assert bitacora.verify().ok


# Only the contraloría ----------------------------------------------------------------------


def test_no_one_but_the_contraloria_opens_a_queja(client, personas):
    queja, _ = file_queja(client, adjuntos=[upload("a.pdf", pdf_bytes(), "application/pdf")])
    adjunto = queja.adjuntos.get()
    urls = [
        ("GET", reverse("contraloria_quejas")),
        ("GET", reverse("contraloria_queja", kwargs={"folio": queja.folio})),
        (
            "GET",
            reverse(
                "contraloria_queja_adjunto", kwargs={"folio": queja.folio, "adjunto_id": adjunto.pk}
            ),
        ),
        ("POST", reverse("contraloria_queja_accion", args=[queja.folio, "investigar"])),
    ]
    for who, user in personas.items():
        client = signed_in(user)
        for method, url in urls:
            response = client.post(url, {"reason": "x"}) if method == "POST" else client.get(url)
            if who == "contraloria":
                assert response.status_code in (200, 302), (who, url, response.status_code)
            else:
                assert response.status_code in (403, 404), (who, url, response.status_code)
                assert queja.folio.encode() not in response.content, (who, url)
    anonymous = Client()
    for method, url in urls:
        response = anonymous.post(url) if method == "POST" else anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    queja.refresh_from_db()
    # Only the contraloría's own POST above moved it.
    assert queja.state == QuejaState.EN_INVESTIGACION
    assert list(queja.transiciones.values_list("actor__username", flat=True)) == [
        None,
        "carla.contraloria",
    ]


def test_the_services_refuse_anyone_but_the_contraloria(client, personas):
    queja, _ = file_queja(client)
    for who, user in personas.items():
        if who == "contraloria":
            continue
        with pytest.raises(PermissionDenied):
            quejas_services.queja_investigate(queja_id=queja.pk, user=user, reason="x")
    queja.refresh_from_db()
    assert queja.state == QuejaState.RECIBIDA


def test_staff_pages_of_an_escrito_never_show_the_quejas_about_it(client, personas, obras):
    escrito = file_escrito(
        channel=Channel.VENTANILLA, captured_by=personas["ventanilla"], queue_acuse=False
    ).escrito
    (turno,) = escrito_turn(escrito_id=escrito.pk, user=personas["turnador"], routes=[Route(obras)])
    turno_accept(turno_id=turno.pk, user=personas["titular_obras"])
    queja, _ = file_queja(
        client,
        escrito_folio=escrito.folio,
        secretaria=obras.pk,
        servidor_publico="Ingeniero Ramírez",
    )
    pages = {
        "turnador": [
            reverse("escrito_detalle", args=[escrito.folio]),
            reverse("oficialia_inbox"),
            reverse("notificaciones"),
        ],
        "titular_obras": [
            reverse("escrito_detalle", args=[escrito.folio]),
            reverse("turno_detalle", args=[turno.pk]),
            reverse("bandeja"),
            reverse("notificaciones"),
        ],
        "enlace_obras": [reverse("escrito_detalle", args=[escrito.folio]), reverse("bandeja")],
        "ventanilla": [
            reverse("ventanilla"),
            reverse("ventanilla_escrito", args=[escrito.folio]),
            reverse("escrito_detalle", args=[escrito.folio]),
        ],
        # The contraloría's own view of the escrito (its staff page) does not list them either.
        "contraloria": [reverse("escrito_detalle", args=[escrito.folio])],
    }
    for who, urls in pages.items():
        staff = signed_in(personas[who])
        for url in urls:
            response = staff.get(url)
            assert response.status_code == 200, (who, url)
            page = response.content.decode()
            for secret in (queja.folio, "Ingeniero Ramírez", "800 pesos"):
                assert secret not in page, (who, url, secret)


# The contraloría's steps -------------------------------------------------------------------


def test_the_contraloria_investigates_and_concludes_with_a_resolution(client, contraloria_user):
    queja, _ = file_queja(client)
    staff = signed_in(contraloria_user)
    page = staff.get(reverse("contraloria_queja", args=[queja.folio])).content.decode()
    assert "800 pesos" in page
    assert "Anónima" in page

    response = action(staff, queja, "investigar", reason="Pedir video de la entrada de Catastro.")
    assert "La queja está en investigación." in response.content.decode()
    response = action(
        staff,
        queja,
        "concluir",
        resolucion="Se identificó a la persona y se dio vista al Ministerio Público.",
        reason="Expediente CI-2026-014.",
    )
    assert "La queja quedó concluida" in response.content.decode()

    queja.refresh_from_db()
    assert queja.state == QuejaState.CONCLUIDA
    assert queja.resolucion.startswith("Se identificó a la persona")
    assert queja.concluded_at is not None
    steps = list(queja.transiciones.values_list("source", "target", "actor__username", "reason"))
    assert steps == [
        ("", "recibida", None, ""),
        (
            "recibida",
            "en_investigacion",
            "carla.contraloria",
            "Pedir video de la entrada de Catastro.",
        ),
        ("en_investigacion", "concluida", "carla.contraloria", "Expediente CI-2026-014."),
    ]
    entries = Bitacora.objects.filter(folio=queja.folio).order_by("id")
    assert list(entries.values_list("action", "actor__username")) == [
        ("queja.recibir", None),
        ("datos.ver", "carla.contraloria"),
        ("queja.investigar", "carla.contraloria"),
        ("datos.ver", "carla.contraloria"),
        ("queja.concluir", "carla.contraloria"),
        ("datos.ver", "carla.contraloria"),
    ]
    investigar = entries.get(action="queja.investigar")
    assert investigar.role == "contraloria"
    assert investigar.changes == {
        "de": "recibida",
        "a": "en_investigacion",
        "motivo": "Pedir video de la entrada de Catastro.",
    }
    assert len(entries.get(action="queja.concluir").changes["resolucion_sha256"]) == 64
    assert bitacora.verify().ok


def test_states_are_neither_skipped_nor_repeated(client, contraloria_user):
    queja, _ = file_queja(client)
    staff = signed_in(contraloria_user)
    response = action(staff, queja, "concluir", resolucion="Sin investigar.")
    assert "No se puede hacer esto ahora" in response.content.decode()
    action(staff, queja, "investigar", reason="Revisar.")
    response = action(staff, queja, "investigar", reason="Otra vez.")
    assert "No se puede hacer esto ahora" in response.content.decode()
    queja.refresh_from_db()
    assert queja.state == QuejaState.EN_INVESTIGACION
    assert queja.resolucion == ""
    assert queja.transiciones.count() == 2
    # The state changes only through a transition.
    with pytest.raises(AttributeError):
        queja.state = QuejaState.CONCLUIDA
    with pytest.raises(TransitionNotAllowed):
        queja.investigate()


def test_every_step_needs_its_reason_and_the_conclusion_its_resolution(client, contraloria_user):
    queja, _ = file_queja(client)
    staff = signed_in(contraloria_user)
    response = action(staff, queja, "investigar", reason="   ")
    assert "Este campo es obligatorio." in response.content.decode()
    action(staff, queja, "investigar", reason="Revisar.")
    response = action(staff, queja, "concluir", resolucion="", reason="Nota")
    assert "Este campo es obligatorio." in response.content.decode()
    queja.refresh_from_db()
    assert queja.state == QuejaState.EN_INVESTIGACION
    with pytest.raises(quejas_services.ActionError):
        quejas_services.queja_conclude(queja_id=queja.pk, user=contraloria_user, resolucion=" ")


def test_an_unknown_action_or_folio_is_not_found(contraloria_user):
    staff = signed_in(contraloria_user)
    assert staff.get(reverse("contraloria_queja", args=["QD-2026-999999"])).status_code == 404
    queja = quejas_services.queja_file(
        data=quejas_services.QuejaData(kind=QuejaKind.OTRA, hechos="Algo")
    ).queja
    response = staff.post(reverse("contraloria_queja_accion", args=[queja.folio, "archivar"]))
    assert response.status_code == 404


def test_the_contraloria_downloads_the_evidence_and_that_is_on_record(client, contraloria_user):
    content = pdf_bytes(1)
    queja, _ = file_queja(client, adjuntos=[upload("recibo.pdf", content, "application/pdf")])
    adjunto = queja.adjuntos.get()
    staff = signed_in(contraloria_user)
    response = staff.get(reverse("contraloria_queja_adjunto", args=[queja.folio, adjunto.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    entry = Bitacora.objects.get(action="archivo.descargar")
    assert (entry.object_type, entry.folio, entry.actor) == (
        "queja_adjunto",
        queja.folio,
        contraloria_user,
    )
    other = quejas_services.queja_file(
        data=quejas_services.QuejaData(kind=QuejaKind.OTRA, hechos="Otra")
    ).queja
    wrong = staff.get(reverse("contraloria_queja_adjunto", args=[other.folio, adjunto.pk]))
    assert wrong.status_code == 404


def test_the_list_filters_by_state_and_finds_by_folio_or_servant(client, contraloria_user):
    first, _ = file_queja(client, servidor_publico="Licenciado Pérez")
    second, _ = file_queja(client, kind=QuejaKind.MALA_ATENCION)
    quejas_services.queja_investigate(queja_id=second.pk, user=contraloria_user, reason="Ver")
    staff = signed_in(contraloria_user)

    def listed(**params) -> list[str]:
        response = staff.get(reverse("contraloria_quejas"), params)
        return [q.folio for q in response.context["page"]]

    assert listed() == [second.folio, first.folio]
    assert listed(estado="recibida") == [first.folio]
    assert listed(estado="en_investigacion") == [second.folio]
    assert listed(q="pérez") == [first.folio]
    assert listed(q=second.folio) == [second.folio]
    assert listed(tipo="mala_atencion") == [second.folio]


# The reporter reads the resolution ---------------------------------------------------------


def test_the_reporter_reads_the_state_and_the_resolution_with_folio_and_code(
    client, contraloria_user
):
    queja, code = file_queja(client)
    lookup = {"folio": queja.folio.lower(), "codigo": code.replace("-", "").lower()}
    response = client.post(reverse("queja_consulta"), lookup)
    page = response.content.decode()
    assert response.context["queja"] == queja
    assert "Recibida" in page and "Aún sin resolución" in page

    quejas_services.queja_investigate(
        queja_id=queja.pk, user=contraloria_user, reason="Revisar cámaras (interno)."
    )
    quejas_services.queja_conclude(
        queja_id=queja.pk,
        user=contraloria_user,
        resolucion="Se sancionó al servidor público responsable.",
        reason="Nota interna: expediente CI-7.",
    )
    page = client.post(reverse("queja_consulta"), lookup).content.decode()
    assert "Concluida" in page
    assert "Se sancionó al servidor público responsable." in page
    # The internal reasons and the names of the contraloría's staff stay inside.
    for internal in ("Revisar cámaras", "CI-7", "Carla", "carla.contraloria"):
        assert internal not in page


def _without_csrf(response) -> str:
    return re.sub(
        r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*',
        r"\1",
        response.content.decode(),
    )


def test_a_wrong_code_and_an_unknown_folio_get_the_same_answer(client):
    queja, code = file_queja(client)
    wrong_code = client.post(
        reverse("queja_consulta"), {"folio": queja.folio, "codigo": "AAAAA-BBBBB"}
    )
    unknown = client.post(
        reverse("queja_consulta"), {"folio": "QD-2020-000001", "codigo": "AAAAA-BBBBB"}
    )
    assert wrong_code.status_code == unknown.status_code == 200
    assert wrong_code.context["queja"] is None and unknown.context["queja"] is None
    assert "El folio o el código de acceso no son correctos" in wrong_code.content.decode()
    assert _without_csrf(wrong_code).replace(queja.folio, "QD-2020-000001") == _without_csrf(
        unknown
    )
    # An escrito's folio and code do not open a queja, nor the other way round.
    filed = file_escrito(queue_acuse=False)
    response = client.post(
        reverse("queja_consulta"), {"folio": filed.escrito.folio, "codigo": filed.access_code}
    )
    assert response.context["queja"] is None
    response = client.post(reverse("consulta"), {"folio": queja.folio, "codigo": code})
    assert response.context["escrito"] is None


def test_the_lookup_is_a_post_and_rate_limited(client, settings):
    settings.RATE_CONSULTA = "3/m"
    queja, code = file_queja(client)
    get = client.get(reverse("queja_consulta"), {"folio": queja.folio, "codigo": code})
    assert get.context["queja"] is None  # a GET never looks anything up
    for _ in range(3):
        wrong = {"folio": queja.folio, "codigo": "AAAAA-BBBBB"}
        assert client.post(reverse("queja_consulta"), wrong).status_code == 200
    response = client.post(reverse("queja_consulta"), {"folio": queja.folio, "codigo": code})
    assert response.status_code == 429
    assert queja.folio not in response.content.decode()


def test_the_escritos_form_and_the_quejas_form_are_separate(client):
    """Filing an escrito does not create a queja and the other way round."""
    client.post(reverse("escrito_nuevo"), escrito_form_data())
    file_queja(client)
    assert Queja.objects.count() == 1
    assert Bitacora.objects.filter(action="escrito.recibir").count() == 1
    assert Bitacora.objects.filter(action="queja.recibir").count() == 1


def test_a_conclusion_that_fails_keeps_the_resolution_typed(client, contraloria_user):
    queja, _ = file_queja(client)
    staff = signed_in(contraloria_user)
    action(staff, queja, "investigar", reason="Revisar el video")
    typed = "Se acreditó el cobro indebido; se da vista al órgano interno de control."
    response = staff.post(
        reverse("contraloria_queja_accion", args=[queja.folio, "concluir"]),
        {"resolucion": typed, "reason": "x" * 6000},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html and "field--error" in html
