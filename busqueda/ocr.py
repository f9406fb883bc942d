"""The text of attachments, for the staff search: a PDF's own text layer read with pypdf, or
the text of a scan (an image, or a PDF without a text layer) recognised by OCR with ocrmypdf
driving tesseract's Spanish model. The text is stored beside the original in TextoAdjunto;
the original file is only read, never changed. A PDF carrying an electronic signature is
never OCR'd (its text layer, if any, is read).

Without tesseract (or its Spanish data) the product runs as before and says "OCR
desactivado": scans stay without text, the rest still works.
"""

import functools
import logging
import shutil
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from pypdf import PdfReader

from correspondencia.models import Adjunto
from oficialia.adjuntos import JPEG, PDF, PNG

from .models import TextoAdjunto, TextoMethod, TextoState

logger = logging.getLogger(__name__)

OCR_LANGUAGE = "spa"
# A PDF with fewer letters than this per page is taken for a scan.
TEXT_LAYER_MIN_CHARS_PER_PAGE = 20
OCR_TIMEOUT_SECONDS = 600
# Scans without a resolution of their own (a phone's photo) are read at this one.
DEFAULT_IMAGE_DPI = 300

OCR_OFF = "OCR desactivado: falta tesseract con el idioma español (tesseract-ocr-spa)."
SIGNED = "PDF con firma electrónica: no se le aplica OCR y no tiene capa de texto."


@functools.cache
def ocr_status() -> tuple[bool, str]:
    """(available, what to tell people): tesseract with its Spanish data, and ocrmypdf."""
    tesseract = shutil.which("tesseract")
    if not tesseract:
        return False, OCR_OFF
    try:
        langs = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
        import ocrmypdf  # noqa: F401
    except (OSError, subprocess.SubprocessError, ImportError) as exc:
        return False, f"OCR desactivado: {type(exc).__name__}."
    if OCR_LANGUAGE not in (langs.stdout + langs.stderr).split():
        return False, OCR_OFF
    return True, "OCR activo (tesseract, español)."


def ocr_health() -> dict:
    available, reason = ocr_status()
    return {"estado": "activo" if available else "desactivado", "detalle": reason}


def is_signed(adjunto: Adjunto, content: bytes) -> bool:
    """Whether the attachment is a PDF with an electronic signature: the verdicts recorded
    at filing (firmas.confianza), or a signature dictionary in the file itself."""
    if adjunto.content_type != PDF:
        return False
    return bool(adjunto.firmas) or (content.startswith(b"%PDF-") and b"/ByteRange" in content)


def pdf_text_layer(content: bytes) -> tuple[str, int]:
    """(the text of the PDF's text layer, its number of pages)."""
    reader = PdfReader(BytesIO(content))
    pages = [page.extract_text() or "" for page in reader.pages]
    return "\n".join(p.strip() for p in pages if p.strip()), len(pages)


def ocr_text(content: bytes, *, suffix: str) -> str:
    """The text tesseract recognises in a scan (PNG, JPEG or PDF), through ocrmypdf in its
    own process (a Celery worker's children may not fork), writing only the text: no PDF is
    produced (`--output-type none`), so Ghostscript is never needed."""
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        source = Path(tmp) / f"entrada{suffix}"
        source.write_bytes(content)
        sidecar = Path(tmp) / "texto.txt"
        command = [
            sys.executable,
            "-m",
            "ocrmypdf",
            "--language",
            OCR_LANGUAGE,
            "--output-type",
            "none",
            "--pdfa-backend",
            "internal",
            "--skip-text",
            "--jobs",
            "1",
            "--quiet",
            "--sidecar",
            str(sidecar),
        ]
        if suffix != ".pdf":
            command += ["--image-dpi", str(DEFAULT_IMAGE_DPI)]
        command += [str(source), "-"]
        done = subprocess.run(
            command, capture_output=True, timeout=OCR_TIMEOUT_SECONDS, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"ocrmypdf terminó con {done.returncode}: "
                + done.stderr.decode(errors="replace")[-400:]
            )
        return sidecar.read_text(errors="replace").replace("\f", "\n").strip()


def _extract(adjunto: Adjunto) -> tuple[str, str, str, str]:
    """(state, method, text, reason) for one attachment."""
    with adjunto.file.open("rb") as f:
        content = f.read()
    if adjunto.content_type == PDF:
        text, pages = pdf_text_layer(content)
        if len(text) >= TEXT_LAYER_MIN_CHARS_PER_PAGE * max(pages, 1):
            return TextoState.EXTRAIDO, TextoMethod.CAPA, text, ""
        if is_signed(adjunto, content):
            if text:
                return TextoState.EXTRAIDO, TextoMethod.CAPA, text, ""
            return TextoState.OMITIDO, "", "", SIGNED
        suffix = ".pdf"
    elif adjunto.content_type in (PNG, JPEG):
        suffix = ".png" if adjunto.content_type == PNG else ".jpg"
    else:
        return (
            TextoState.OMITIDO,
            "",
            "",
            f"Tipo de archivo sin texto que extraer ({adjunto.content_type}).",
        )
    available, reason = ocr_status()
    if not available:
        return TextoState.OMITIDO, "", "", reason
    return TextoState.EXTRAIDO, TextoMethod.OCR, ocr_text(content, suffix=suffix), ""


def adjunto_text_extract(*, adjunto_id: int) -> TextoAdjunto | None:
    """Extract and store the text of one attachment (again, if it was done before). An
    attachment that cannot be read is marked "error" with the reason; nothing is raised.
    Its task (busqueda.indice.extract_adjunto_text) reindexes the escrito when text came."""
    adjunto = Adjunto.objects.filter(pk=adjunto_id).first()
    if adjunto is None:
        return None
    try:
        state, method, text, reason = _extract(adjunto)
    except Exception as exc:
        logger.exception("could not extract the text of adjunto %s", adjunto_id)
        state, method, text, reason = TextoState.ERROR, "", "", f"{type(exc).__name__}: {exc}"[:250]
    values = {"state": state, "method": method, "texto": text, "motivo": reason[:250]}
    if not TextoAdjunto.objects.filter(adjunto=adjunto).update(**values, updated_at=timezone.now()):
        TextoAdjunto.objects.create(adjunto=adjunto, **values)
    return TextoAdjunto(adjunto=adjunto, **values)
