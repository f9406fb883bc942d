"""What the petitioner sees of an escrito and does on it, the same through both doors:
/consulta/ (folio and access code) and the account's "Mis escritos"."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest

from correspondencia import selectors as correspondencia_selectors
from correspondencia.models import Adjunto, AdjuntoOrigin, Escrito
from notificaciones.models import Medio
from notificaciones.services import acuse_notificacion_generate, opened_record
from oficialia.acciones import ActionError
from oficialia.descargas import uploaded_file_response
from turnos import services as turnos_services
from turnos.forms import PrevencionAnswerForm, RateForm
from turnos.models import Prevencion
from turnos.selectors import public_status
from turnos.services import WITHDRAWABLE_STATES

# The public steps whose act the page shows in full (an acuerdo de no presentado, a prórroga).
STEPS_NOTIFIED_BY_THE_PAGE = {"no_presentado", "prorrogar"}

# Folios opened through /consulta/ in this browser session (their acuse may be downloaded).
CONSULTA_SESSION_KEY = "consulta_escritos"


def consulta_context(escrito: Escrito) -> dict:
    """The status page of an escrito, for its petitioner."""
    return {
        "escrito": escrito,
        "timeline": correspondencia_selectors.escrito_timeline(escrito),
        "status": public_status(escrito),
        "prevencion_form": PrevencionAnswerForm(),
        "rate_form": RateForm(),
        "can_withdraw": escrito.state in WITHDRAWABLE_STATES,
    }


def record_opening(context: dict, medio: Medio) -> None:
    """The page about to be shown makes its answers and open prevenciones known to the
    petitioner: the first time, that is their electronic notification."""
    status = context["status"]
    # Its acuerdos and prórrogas are on the page too: opening it notifies them as well.
    shown = any(step.action in STEPS_NOTIFIED_BY_THE_PAGE for step in context["timeline"])
    if opened_record(escrito=context["escrito"], respuestas=status.respuestas,
                     prevenciones=status.open_prevenciones,
                     acuerdos=status.acuerdos if shown else (),
                     prorrogas=status.prorrogas if shown else (), medio=medio):
        # Notified just now: the page shows the dates (and the prevención's deadline) it set.
        context["status"] = public_status(context["escrito"])


def unlocked_escrito(request: HttpRequest, folio: str) -> Escrito:
    """The escrito this browser opened through /consulta/ with its folio and code, or 404."""
    escrito = Escrito.objects.select_related("acuse", "peticionario").filter(folio=folio).first()
    if escrito is None or escrito.pk not in request.session.get(CONSULTA_SESSION_KEY, []):
        raise Http404
    return escrito


def prevencion_answer_from_post(request: HttpRequest, escrito):
    """The petitioner answers the escrito's prevenciones (from /consulta/ or the account):
    None once it is saved, else the form with what to correct."""
    form = PrevencionAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            turnos_services.prevencion_answer(
                escrito_id=escrito.pk,
                texto=form.cleaned_data["texto"],
                files=form.cleaned_data["adjuntos"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Recibimos su respuesta; el plazo de atención corre de nuevo."
            )
            return None
    return form


def rating_from_post(request: HttpRequest, escrito) -> RateForm | None:
    """The petitioner rates the attention (from /consulta/ or the account): None once it is
    saved, else the form with what to correct."""
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            turnos_services.escrito_rate(
                escrito_id=escrito.pk,
                score=form.cleaned_data["score"],
                comentario=form.cleaned_data["comentario"],
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Gracias por calificar la atención.")
            return None
    return form


def answer_file_response(escrito, adjunto_id: int) -> FileResponse:
    """An answer's oficio of this escrito, or 404 (any other file is not the petitioner's to
    fetch this way)."""
    adjunto = Adjunto.objects.filter(
        escrito=escrito, pk=adjunto_id, origin=AdjuntoOrigin.RESPUESTA
    ).first()
    if adjunto is None:
        raise Http404
    return uploaded_file_response(
        adjunto.file.open("rb"), filename=adjunto.original_name, content_type=adjunto.content_type
    )


def acuerdo_file_response(escrito: Escrito, prevencion_id: int) -> FileResponse:
    """The signed acuerdo de tener por no presentado of one of the escrito's prevenciones."""
    if not Prevencion.objects.filter(
        pk=prevencion_id, turno__escrito=escrito, acuerdo_at__isnull=False
    ).exists():
        raise Http404
    prevencion = turnos_services.acuerdo_pdf_generate(prevencion_id=prevencion_id)
    return FileResponse(prevencion.acuerdo_pdf.open("rb"), filename=f"acuerdo-{escrito.folio}.pdf",
                        content_type="application/pdf")


def notification_file_response(escrito: Escrito, acuse_id: int) -> FileResponse:
    """The signed acuse de notificación electrónica of one of the escrito's answers or
    prevenciones (made now if the worker has not made it yet)."""
    found = escrito.acuses_notificacion.filter(pk=acuse_id).first()
    if found is None:
        raise Http404
    acuse = acuse_notificacion_generate(acuse_id=found.pk)
    return FileResponse(acuse.pdf.open("rb"), filename=f"notificacion-{escrito.folio}.pdf",
                        content_type="application/pdf")
