"""A blocked petitioner (ARCO cancellation) on staff pages: the escrito and what was written
about it are shown as they are, except that the petitioner's name, contact and identity
documents are masked wherever they appear, in the free texts too."""

from django.http import HttpResponse

from oficialia.text import mask_terms

from .models import Escrito, Peticionario

# Parts of a name shorter than this are too common to mask alone ("de", "la", "Ana").
NAME_PART_MIN = 4


def blocked_terms(peticionario: Peticionario) -> list[str]:
    """The strings that identify a blocked petitioner; none when the data is not blocked."""
    if not peticionario.is_blocked:
        return []
    p = peticionario
    parts = [w for w in p.nombre.split() if len(w) >= NAME_PART_MIN]
    return [p.nombre, p.email, p.telefono, p.curp, p.rfc, p.domicilio, *parts]


def mask_blocked_petitioner(escrito: Escrito, response: HttpResponse) -> HttpResponse:
    """Mask a blocked petitioner's data in a rendered staff page about the escrito."""
    terms = blocked_terms(escrito.peticionario)
    if terms and response.get("Content-Type", "").startswith("text/html"):
        response.content = mask_terms(response.content.decode(response.charset), terms).encode(
            response.charset
        )
    return response
