"""Attachments are judged by what they contain, never by their name or declared type."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image
from pypdf import PdfReader

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclass
class InspectedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str
    pages: int | None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    def stored_fields(self, name: str) -> dict:
        """The columns every stored-file model (Adjunto, QuejaAdjunto) keeps of an upload
        saved under `name`."""
        return {
            "file": name,
            "original_name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "pages": self.pages,
        }


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _pdf_pages(upload: UploadedFile) -> int:
    upload.seek(0)
    reader = PdfReader(upload, strict=False)
    if reader.is_encrypted:
        # Protected PDFs open only with an empty user password; others cannot be read by staff.
        reader.decrypt("")
    pages = len(reader.pages)
    upload.seek(0)
    if pages < 1:
        raise ValueError("PDF without pages")
    return pages


def _image_format(upload: UploadedFile) -> str:
    upload.seek(0)
    with Image.open(upload) as image:
        image.verify()
        found = image.format
    upload.seek(0)
    return found or ""


def inspect(upload: UploadedFile) -> InspectedFile:
    name = upload.name or "archivo"
    label = f"«{name}»"
    if upload.size == 0:
        raise ValidationError(f"{label} está vacío. Adjunte el archivo completo.", code="empty")
    if upload.size > settings.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"{label} pesa {filesizeformat(upload.size)}; el máximo por archivo es "
            f"{filesizeformat(settings.MAX_ATTACHMENT_BYTES)}. Reduzca su tamaño o divídalo.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    pages = None
    try:
        if head.startswith(b"%PDF-"):
            content_type = PDF
            pages = _pdf_pages(upload)
        elif head.startswith(b"\xff\xd8\xff"):
            content_type = JPEG
            if _image_format(upload) != "JPEG":
                raise ValueError("not a JPEG")
        elif head.startswith(b"\x89PNG\r\n\x1a\n"):
            content_type = PNG
            if _image_format(upload) != "PNG":
                raise ValueError("not a PNG")
        else:
            raise ValidationError(
                f"{label} no es un PDF, JPEG ni PNG (se revisa el contenido, no el nombre). "
                "Adjunte el documento en uno de esos formatos.",
                code="bad_type",
            )
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            f"{label} está dañado o incompleto y no se puede abrir. "
            "Vuelva a generarlo o escanearlo y adjúntelo de nuevo.",
            code="corrupt",
        ) from exc
    return InspectedFile(
        upload=upload,
        name=name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=_sha256(upload),
        pages=pages,
    )


def inspect_all(uploads: list[UploadedFile]) -> list[InspectedFile]:
    if len(uploads) > settings.MAX_ATTACHMENTS:
        raise ValidationError(
            f"Se pueden adjuntar hasta {settings.MAX_ATTACHMENTS} archivos por escrito; "
            f"eligió {len(uploads)}.",
            code="too_many",
        )
    errors: list[ValidationError] = []
    inspected: list[InspectedFile] = []
    for upload in uploads:
        try:
            inspected.append(inspect(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    total = sum(item.size for item in inspected)
    if total > settings.MAX_ESCRITO_BYTES:
        raise ValidationError(
            f"Los archivos suman {filesizeformat(total)}; el máximo por escrito es "
            f"{filesizeformat(settings.MAX_ESCRITO_BYTES)}.",
            code="total_too_large",
        )
    return inspected
