"""The people of the turnado (tests/turnos/conftest.py) and the signing authority
(tests/firmas/conftest.py), for the staff search and the text of attachments."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.firmas.conftest import maria, sat  # noqa: F401
from tests.turnos.conftest import (  # noqa: F401
    _fast_password_hashing,
    agua,
    contraloria_user,
    enlace_agua,
    enlace_obras,
    obras,
    operativo_obras,
    titular_agua,
    titular_obras,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def scanned_page(lines: list[str], *, fmt: str = "PNG") -> bytes:
    """A page as a scanner gives it: an image of the text, nothing else (no text layer)."""
    img = Image.new("L", (1700, 180 + 140 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 56)
    for i, line in enumerate(lines):
        draw.text((90, 90 + 140 * i), line, font=font, fill=0)
    buffer = io.BytesIO()
    if fmt == "PDF":
        img.save(buffer, format="PDF", resolution=300)
    else:
        img.save(buffer, format=fmt, dpi=(300, 300))
    return buffer.getvalue()


@pytest.fixture
def scanned():
    return scanned_page
