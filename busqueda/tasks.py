"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .indice import reindex_escrito, relay_pending_index
from .ocr import extract_adjunto_text

__all__ = ["extract_adjunto_text", "reindex_escrito", "relay_pending_index"]
