"""For Celery's autodiscovery only: each task is defined beside the service it calls."""

from .ocr import extract_adjunto_text

__all__ = ["extract_adjunto_text"]
