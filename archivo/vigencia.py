"""THE RETENTION RULE (catálogo de disposición documental, LGA art. 13): the clock starts on
the expediente's closing date; it stays the serie's vigencia in the archivo de trámite, then
its vigencia in concentración, then goes to its destino final."""

from datetime import date

from django.utils import timezone

from .models import Expediente, ExpedienteEscrito, ExpedienteEstado


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def fin_tramite(expediente: Expediente) -> date | None:
    """The day its vigencia in trámite ends (it may then be transferred to concentración);
    None while it is open: an open expediente's clock has not started."""
    if expediente.estado != ExpedienteEstado.CERRADO or expediente.cerrado_en is None:
        return None
    return add_years(expediente.cerrado_en, expediente.serie.vigencia_tramite)


def fin_concentracion(expediente: Expediente) -> date | None:
    """The day its whole retention ends (trámite plus concentración)."""
    end = fin_tramite(expediente)
    if end is None:
        return None
    return add_years(end, expediente.serie.vigencia_concentracion)


def retention_over(expediente: Expediente, *, on: date | None = None) -> bool:
    end = fin_concentracion(expediente)
    return end is not None and (on or timezone.localdate()) >= end


def retention_ended(escrito_id: int) -> bool:
    """Whether the archival retention of this escrito's documents has ended, so that blocked
    personal data in them may now be suppressed: its expediente is in a baja documental that
    has been published (LGA art. 31). Never for an escrito in no expediente, in an open one,
    or in one kept for the histórico."""
    from .models import BajaEstado

    link = ExpedienteEscrito.objects.filter(escrito_id=escrito_id).first()
    return (
        link is not None
        and link.expediente.bajas.filter(
            estado__in=[BajaEstado.PUBLICADA, BajaEstado.EJECUTADA]
        ).exists()
    )


def retention_ends(escrito) -> date | None:
    """The archive's answer to correspondencia.retencion (the default of the setting
    OFICIALIA_FIN_CONSERVACION): the day the baja documental holding the escrito's expediente
    was published, or None while no published baja holds it, so blocked personal data is
    suppressed only through the archival disposal (LGPDPPSO; LGA arts. 31, 116, 121)."""
    from .models import BajaEstado

    published = (
        ExpedienteEscrito.objects.filter(
            escrito_id=escrito.pk,
            expediente__bajas__estado__in=[BajaEstado.PUBLICADA, BajaEstado.EJECUTADA],
        )
        .values_list("expediente__bajas__publicada_en", flat=True)
        .first()
    )
    return timezone.localdate(published) if published else None
