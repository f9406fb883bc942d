"""The escrito's use cases that write: filing (radicar) and its acuse (acuses)."""

from .acuses import (
    REQUEUE_AFTER,
    acuse_email_queue,
    acuse_generate,
    acuse_queue,
    acuse_render_pdf,
    acuse_send_email,
    acuses_relay,
)
from .corregir import escrito_correct
from .radicar import (
    EscritoData,
    FilingResult,
    PetitionerData,
    escrito_file,
    peticionario_datos,
)

__all__ = [
    "REQUEUE_AFTER",
    "EscritoData",
    "FilingResult",
    "PetitionerData",
    "acuse_email_queue",
    "acuse_generate",
    "acuse_queue",
    "acuse_render_pdf",
    "acuse_send_email",
    "acuses_relay",
    "escrito_correct",
    "escrito_file",
    "peticionario_datos",
]
