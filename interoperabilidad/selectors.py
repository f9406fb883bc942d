"""Reads of the API, always scoped to the calling institution."""

from django.db.models import QuerySet

from correspondencia.models import Adjunto, AdjuntoOrigin, Escrito, Transicion
from turnos.models import Prevencion, Respuesta, TurnoState

from .models import Institucion


def escritos_of(institucion: Institucion) -> QuerySet[Escrito]:
    """Only the institution's own escritos: every read of the API starts here, so another
    institution's folio is simply not found."""
    return Escrito.objects.filter(institucional__institucion=institucion).select_related(
        "tramite", "peticionario"
    )


def timeline(escrito: Escrito) -> list[Transicion]:
    """The steps the petitioner sees on /consulta/ (internal ones are left out)."""
    return list(escrito.transiciones.filter(public=True).select_related("secretaria"))


def open_prevenciones(escrito: Escrito) -> list[Prevencion]:
    return list(
        Prevencion.objects.filter(
            turno__escrito=escrito, answered_at__isnull=True, turno__state=TurnoState.PREVENCION
        ).select_related("turno__secretaria")
    )


def respuestas(escrito: Escrito) -> list[Respuesta]:
    return list(
        Respuesta.objects.filter(turno__escrito=escrito)
        .select_related("turno__secretaria", "oficio")
        .order_by("answered_at")
    )


def documentos(escrito: Escrito) -> list[Adjunto]:
    """Every file of the escrito: what was filed, prevención answers and answer oficios."""
    return list(escrito.adjuntos.filter(origin__in=AdjuntoOrigin.values).order_by("position"))
