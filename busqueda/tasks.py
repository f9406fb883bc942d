"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .indice import extract_adjunto_text, reindex_escrito, relay_pending_index

__all__ = ["extract_adjunto_text", "reindex_escrito", "relay_pending_index"]
