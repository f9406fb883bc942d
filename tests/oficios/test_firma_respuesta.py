"""The titular signs the answer: an enlace drafts, the titular returns it with comments or
approves and signs it with their own e.firma (several at once), and only then is it sent."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from correspondencia import verificacion
from firmas.models import Constancia
from oficialia import firma
from oficialia.acciones import ActionError
from oficialia.acciones_bitacora import Accion
from oficialia.models import Bitacora, Notificacion
from oficios import services
from oficios.models import Borrador, EstadoBorrador
from tests.firmas.pki import now
from turnos.models import Respuesta, TurnoState
from turnos.services import turno_answer

pytestmark = pytest.mark.django_db


def sign(user, ids, persona, password=None):
    return services.borradores_sign(ids=ids, user=user, cer=persona.cer, key=persona.key,
                                    password=password or persona.password)


def test_by_default_no_answer_leaves_without_the_titulars_signature(
    accepted_turno, titular_obras, settings
):
    from config import settings as project_settings

    assert project_settings.RESPUESTA_SIN_FIRMA is False  # the default the README states
    settings.RESPUESTA_SIN_FIRMA = False
    turno = accepted_turno()
    with pytest.raises(ActionError, match=r"e\.firma del titular"):
        turno_answer(turno_id=turno.pk, user=titular_obras, texto="Procede.", sense="positiva")
    assert not Respuesta.objects.exists()


def test_enlace_drafts_titular_returns_enlace_corrects_titular_signs_two_at_once(
    accepted_turno, enlace_obras, titular_obras, efirma_olga, settings,
    django_capture_on_commit_callbacks,
):
    settings.RESPUESTA_SIN_FIRMA = False
    first, second = accepted_turno(), accepted_turno()
    draft = services.borrador_submit(turno_id=first.pk, user=enlace_obras,
                                     texto="Se programó el bacheo.", sense="positiva")
    assert Notificacion.objects.filter(user=titular_obras).exists()
    services.borrador_return(borrador_id=draft.pk, user=titular_obras,
                             observaciones="Indique la fecha del bacheo.")
    draft.refresh_from_db()
    assert draft.estado == EstadoBorrador.DEVUELTO
    assert Notificacion.objects.filter(user=enlace_obras, texto__contains="devolvió").exists()
    draft = services.borrador_submit(turno_id=first.pk, user=enlace_obras,
                                     texto="El bacheo se hará el lunes 7.", sense="positiva")
    other = services.borrador_submit(turno_id=second.pk, user=enlace_obras,
                                     texto="No es posible por ahora.", sense="negativa")

    with django_capture_on_commit_callbacks(execute=True):
        results = sign(titular_obras, [draft.pk, other.pk], efirma_olga)

    assert [r.error for r in results] == ["", ""]
    for borrador, turno in ((draft, first), (other, second)):
        borrador.refresh_from_db()
        turno.refresh_from_db()
        assert turno.state == TurnoState.RESPONDIDO
        assert borrador.estado == EstadoBorrador.FIRMADO
        assert borrador.redactado_por == enlace_obras
        assert borrador.firmado_por == titular_obras
        assert (borrador.firmante_rfc, borrador.firmante_nombre) == (
            "RASO700101AB1", "OLGA RAMIREZ SOTO")
        oficio = borrador.respuesta.oficio
        content = oficio.file.read()
        assert oficio.sha256 == firma.sha256_hex(content)
        verdicts = firma.verify_pdf(
            content, roots=[efirma_olga.chain[0], firma.institution_identity().root])
        assert [v.estado for v in verdicts] == ["valida", "valida"]
        assert verdicts[0].rfc == "RASO700101AB1"
        assert Constancia.objects.filter(documento="respuesta", sha256=oficio.sha256).exists()
        result = verificacion.pdf_check(content)
        assert result.veredicto == "autentico"
        assert result.emitido.documento == "Oficio de respuesta"
    entries = Bitacora.objects.filter(action=Accion.RESPUESTA_FIRMAR)
    assert entries.count() == 2
    # The e.firma's password is used for signing only: nowhere on record.
    everything = json.dumps(list(Bitacora.objects.values()), default=str)
    everything += json.dumps(list(Borrador.objects.values()), default=str)
    assert efirma_olga.password not in everything


def test_a_wrong_password_signs_nothing_and_says_so(
    accepted_turno, enlace_obras, titular_obras, efirma_olga
):
    draft = services.borrador_submit(turno_id=accepted_turno().pk, user=enlace_obras,
                                     texto="Procede.", sense="positiva")
    with pytest.raises(firma.FirmaError, match="contraseña"):
        sign(titular_obras, [draft.pk], efirma_olga, password="no-es-la-clave")
    draft.refresh_from_db()
    assert draft.estado == EstadoBorrador.EN_REVISION
    assert not Respuesta.objects.exists()


def test_an_expired_or_unknown_efirma_is_refused_before_signing(
    accepted_turno, enlace_obras, titular_obras, efirma_olga, sat
):
    import datetime as dt

    from tests.firmas.pki import Autoridad

    draft = services.borrador_submit(turno_id=accepted_turno().pk, user=enlace_obras,
                                     texto="Procede.", sense="positiva")
    vencida = sat.persona("OLGA RAMIREZ SOTO", "RASO700101AB1", "", password="x",
                          not_before=now() - dt.timedelta(days=900),
                          not_after=now() - dt.timedelta(days=1))
    with pytest.raises(firma.FirmaError, match="venció"):
        sign(titular_obras, [draft.pk], vencida)
    ajena = Autoridad("AC NO INSTALADA").persona("OLGA", "RASO700101AB1", "", password="x")
    with pytest.raises(firma.FirmaError, match="autoridad certificadora"):
        sign(titular_obras, [draft.pk], ajena)
    assert not Respuesta.objects.exists()


def test_a_revoked_efirma_is_refused(accepted_turno, enlace_obras, titular_obras, efirma_olga,
                                     sat):
    from firmas import confianza

    draft = services.borrador_submit(turno_id=accepted_turno().pk, user=enlace_obras,
                                     texto="Procede.", sense="positiva")
    sat.revoke(efirma_olga)
    confianza.crl_load(sat.crl())
    with pytest.raises(firma.FirmaError, match="revocada"):
        sign(titular_obras, [draft.pk], efirma_olga)


def test_only_the_titular_of_that_secretaria_signs(
    accepted_turno, enlace_obras, titular_obras, titular_agua, efirma_olga
):
    draft = services.borrador_submit(turno_id=accepted_turno().pk, user=enlace_obras,
                                     texto="Procede.", sense="positiva")
    with pytest.raises(PermissionDenied):
        sign(enlace_obras, [draft.pk], efirma_olga)
    [result] = sign(titular_agua, [draft.pk], efirma_olga)
    assert result.error
    draft.refresh_from_db()
    assert draft.estado == EstadoBorrador.EN_REVISION


def test_with_the_setting_on_an_unsigned_answer_may_still_be_sent(
    accepted_turno, titular_obras, settings
):
    settings.RESPUESTA_SIN_FIRMA = True
    turno = accepted_turno()
    turno_answer(turno_id=turno.pk, user=titular_obras, texto="Procede.", sense="positiva")
    turno.refresh_from_db()
    assert turno.state == TurnoState.RESPONDIDO
