"""Reads for the citizen's account and for the staff who resolve ARCO requests, already
scoped: a citizen reads only the escritos linked to their own account."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from correspondencia.models import Escrito, EscritoState, Transicion
from oficialia.calendario import BusinessCalendar
from turnos.models import OPEN_TURNO_STATES, Turno, TurnoKind
from turnos.plazos import Light, Thresholds, is_paused, suggested_due_date, with_clock

from .models import (
    NOTICE_KIND_OF_STATE,
    ArcoState,
    Cuenta,
    EscritoVinculado,
    NoticeKind,
    SolicitudArco,
)

# The order in which one light hides another when an escrito has several open turnos.
LIGHT_SEVERITY = [Light.OVERDUE, Light.DUE_SOON, Light.ON_TIME, Light.PAUSED]
NOT_ROUTED_STATES = (EscritoState.RECIBIDO, EscritoState.NO_COMPETENTE)


def cuenta_of(user) -> Cuenta | None:
    """The citizen account the user signs in with: confirmed and not cancelled. Staff users
    have none."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Cuenta.objects.filter(
        user=user, verified_at__isnull=False, cancelled_at__isnull=True
    ).first()


def cuenta_by_email(email: str) -> Cuenta | None:
    if not email:
        return None
    return Cuenta.objects.select_related("user").filter(email=email.strip().lower()).first()


def filing_initial(user) -> dict:
    """What the filing form starts with for a signed-in citizen: their saved data."""
    cuenta = cuenta_of(user)
    if cuenta is None:
        return {}
    saved = {
        "nombre": cuenta.nombre,
        "email": cuenta.email,
        "telefono": cuenta.telefono,
        "curp": cuenta.curp,
        "domicilio": cuenta.domicilio,
    }
    return {field: value for field, value in saved.items() if value}


# Mis escritos ----------------------------------------------------------------------------


def escritos_of(cuenta: Cuenta) -> QuerySet[Escrito]:
    return (
        Escrito.objects.filter(vinculo__cuenta=cuenta)
        .select_related("tramite", "secretaria_destino")
        .order_by("-received_at", "-pk")
    )


@dataclass
class EscritoRow:
    """An escrito of the list with its traffic light."""

    escrito: Escrito
    light: str
    due: date | None

    @property
    def light_label(self) -> str:
        return Light(self.light).label


def escritos_with_lights(escritos, thresholds: Thresholds | None = None) -> list[EscritoRow]:
    """The light of each escrito: the most urgent of its open turnos para atención, or, before
    it is routed, its term counted from reception. Two queries, however many escritos."""
    escritos = list(escritos)
    thresholds = thresholds or Thresholds.now()
    open_turnos: dict[int, list[Turno]] = defaultdict(list)
    for turno in with_clock(
        Turno.objects.filter(
            escrito__in=[e.pk for e in escritos],
            kind=TurnoKind.ATENCION,
            state__in=OPEN_TURNO_STATES,
        )
    ):
        open_turnos[turno.escrito_id].append(turno)
    calendar = BusinessCalendar()
    rows = []
    for escrito in escritos:
        turnos = open_turnos.get(escrito.pk, [])
        if turnos:
            lights = {thresholds.light(t) for t in turnos}
            light = next((x for x in LIGHT_SEVERITY if x in lights), Light.CLOSED)
            dues = [t.due_date for t in turnos if t.due_date and not is_paused(t)]
            rows.append(EscritoRow(escrito, light, min(dues) if dues else None))
        elif escrito.state in NOT_ROUTED_STATES:
            # Not routed yet: its term counted from reception, as the Oficialía is offered.
            due = suggested_due_date(escrito, calendar).due
            rows.append(EscritoRow(escrito, thresholds.light_of_due(due), due))
        else:
            rows.append(EscritoRow(escrito, Light.CLOSED, None))
    return rows


def escrito_of(cuenta: Cuenta, folio: str) -> Escrito:
    """An escrito of the account, or 404 (another's is not revealed)."""
    escrito = (
        Escrito.objects.select_related(
            "acuse", "peticionario", "tramite", "secretaria_destino", "vinculo"
        )
        .filter(vinculo__cuenta=cuenta, folio=folio)
        .first()
    )
    if escrito is None:
        raise Http404
    return escrito


# Notices ---------------------------------------------------------------------------------


def notices_of(cuenta: Cuenta) -> QuerySet[Transicion]:
    """Every change of state of the account's escritos: what the emails tell, newest first."""
    return (
        Transicion.objects.filter(
            escrito__vinculo__cuenta=cuenta, public=True, turno_id__isnull=True
        )
        .exclude(target="")
        .select_related("escrito")
        .order_by("-at", "-pk")
    )


def unseen_notices(cuenta: Cuenta) -> int:
    notices = notices_of(cuenta)
    if cuenta.notices_seen_at is not None:
        notices = notices.filter(at__gt=cuenta.notices_seen_at)
    return notices.count()


def notice_kind(state: str) -> str:
    return NOTICE_KIND_OF_STATE.get(state, NoticeKind.AVANCE)


# Acts the law requires to be made known (a prevención, its acuerdo of no presentado, the
# answer, a prórroga): their email goes out whatever the account's preferences say.
LEGALLY_REQUIRED_STATES = {
    EscritoState.PREVENIDO,
    EscritoState.NO_PRESENTADO,
    EscritoState.RESPONDIDO,
}
# A prórroga leaves the escrito in its state: it is known by its step.
LEGALLY_REQUIRED_STEPS = {"prorrogar"}


def email_notice_wanted(*, escrito_id: int, state: str, action: str = "") -> bool:
    """Whether the petitioner wants the email of this change of state: yes, unless the
    escrito is in an account that switched off this kind of notice, and always for the acts
    the law requires to be made known."""
    if state in LEGALLY_REQUIRED_STATES or action in LEGALLY_REQUIRED_STEPS:
        return True
    cuenta = Cuenta.objects.filter(vinculos__escrito_id=escrito_id).first()
    return cuenta is None or cuenta.wants_email(notice_kind(state))


# ARCO ------------------------------------------------------------------------------------


def arco_requests_of(cuenta: Cuenta) -> QuerySet[SolicitudArco]:
    return cuenta.solicitudes.order_by("-requested_at", "-pk")


def arco_requests_open() -> QuerySet[SolicitudArco]:
    """Received and not yet carried out: pending an answer, or procedente."""
    return (
        SolicitudArco.objects.filter(state__in=[ArcoState.PENDIENTE, ArcoState.PROCEDENTE])
        .select_related("cuenta")
        .order_by("requested_at", "pk")
    )


def arco_request_escritos(solicitud: SolicitudArco) -> QuerySet[Escrito]:
    """The escritos a request is about: the account's, or those named on paper."""
    if solicitud.cuenta_id:
        return escritos_of(solicitud.cuenta)
    return Escrito.objects.filter(folio__in=solicitud.folios).order_by("-received_at", "-pk")


def arco_requests_resolved(limit: int = 50) -> QuerySet[SolicitudArco]:
    return (
        SolicitudArco.objects.filter(state__in=[ArcoState.ATENDIDA, ArcoState.IMPROCEDENTE])
        .select_related("cuenta", "resolved_by")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def arco_request(solicitud_id: int) -> SolicitudArco:
    solicitud = SolicitudArco.objects.select_related("cuenta").filter(pk=solicitud_id).first()
    if solicitud is None:
        raise Http404
    return solicitud


# The Oficialía's view of the links ---------------------------------------------------------


@dataclass
class LinkRow:
    vinculo: EscritoVinculado
    email_matches: bool


def link_folio(vinculo_id: int | None) -> str:
    """The folio of the escrito of a link ("" when there is no such link)."""
    if vinculo_id is None:
        return ""
    return (
        EscritoVinculado.objects.filter(pk=vinculo_id)
        .values_list("escrito__folio", flat=True)
        .first()
        or ""
    )


def links_for_staff(folio: str, limit: int = 50) -> list[LinkRow]:
    """The links of escritos whose folio contains `folio` (the latest first, when empty),
    each saying whether the account's address is the one written on the escrito."""
    links = EscritoVinculado.objects.select_related("cuenta", "escrito__peticionario").order_by(
        "-linked_at", "-pk"
    )
    if folio:
        links = links.filter(escrito__folio__icontains=folio)
    return [
        LinkRow(
            link,
            bool(link.cuenta.email)
            and link.cuenta.email == link.escrito.peticionario.email.strip().lower(),
        )
        for link in links[:limit]
    ]
