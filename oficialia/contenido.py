"""What an uploaded document may not carry: active content in a PDF, a decompression bomb
in an image. Used by the attachment inspection; each check raises ValueError with the
reason in Spanish words the uploader reads."""

from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Names that make a PDF do something when opened or clicked: run JavaScript, launch a
# program, submit or import data, play embedded media, carry files of its own.
ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFiles", "/RichMedia"}
)
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition", "/Sound"}
)
# A walk that large is itself a sign of a hostile file.
MAX_OBJECTS = 200_000


class ActiveContent(ValueError):
    pass


def pdf_active_content(reader: PdfReader) -> str | None:
    """The first active element found anywhere in the document's object graph, or None."""
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "demasiados objetos"
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in ACTIVE_KEYS:
                    # An /OpenAction that only shows a page is harmless (GoTo, or an array
                    # naming the page): everything else runs something.
                    if name == "/OpenAction" and _is_goto(value):
                        continue
                    return str(name)
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return str(value)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _is_goto(value) -> bool:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject):
        return True
    return isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo"


def check_pdf(reader: PdfReader) -> None:
    found = pdf_active_content(reader)
    if found is not None:
        raise ActiveContent(found)


def check_image_size(width: int, height: int) -> None:
    limit = settings.MAX_IMAGE_PIXELS
    if width * height > limit:
        raise ActiveContent(
            f"{width} por {height} píxeles, más de {limit // 1_000_000} megapíxeles"
        )
