"""The turnado's use cases, by who does them: the Oficialía (oficialia), a secretaría
(secretaria), the petitioner (peticionario); the calendar's effect on due dates (calendario)
and the daily reminders (recordatorios). The Article 8 rule they apply is turnos.plazos."""

from oficialia.acciones import ActionError

from .acuerdo import acuerdo_pdf_generate
from .calendario import due_dates_recompute
from .comun import Route
from .lote import Fallo, Lote, escritos_turn, turnos_accept, turnos_assign
from .notificacion import act_notified_record, prevencion_notified, respuesta_notified
from .oficialia import escrito_reject, escrito_reorient, escrito_turn, turno_reroute
from .peticionario import WITHDRAWABLE_STATES, escrito_rate, escrito_withdraw, prevencion_answer
from .recordatorios import reminders_send
from .secretaria import (
    tarea_assign,
    tarea_progress,
    turno_accept,
    turno_answer,
    turno_extend,
    turno_give_back,
    turno_not_presented,
    turno_prevent,
)

__all__ = [
    "WITHDRAWABLE_STATES",
    "ActionError",
    "Fallo",
    "Lote",
    "Route",
    "act_notified_record",
    "acuerdo_pdf_generate",
    "due_dates_recompute",
    "escrito_rate",
    "escrito_reject",
    "escrito_reorient",
    "escrito_turn",
    "escrito_withdraw",
    "escritos_turn",
    "prevencion_answer",
    "prevencion_notified",
    "reminders_send",
    "respuesta_notified",
    "tarea_assign",
    "tarea_progress",
    "turno_accept",
    "turno_answer",
    "turno_extend",
    "turno_give_back",
    "turno_not_presented",
    "turno_prevent",
    "turno_reroute",
    "turnos_accept",
    "turnos_assign",
]
