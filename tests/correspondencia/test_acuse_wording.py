"""The acuse says nothing Article 8 of the Constitution does not say, and an acuse already
made keeps, byte for byte, the wording it was made with."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string

from correspondencia import services
from correspondencia.acuse import acuse_context
from correspondencia.models import ACUSE_TEMPLATE_VERSION, Acuse
from oficialia.pdf import render_pdf
from tests.factories import file_escrito

pytestmark = pytest.mark.django_db

OLD_LINE = (
    "La presentación de escritos es gratuita. Nadie puede cobrarle por recibir, turnar o "
    "agilizar su petición. Artículo 8 de la Constitución Política de los Estados Unidos "
    "Mexicanos."
)


def template_before_versioning() -> str:
    """acuse.html as it was when version 1 acuses were made: the version switch replaced by
    the old closing line."""
    source = (Path(settings.BASE_DIR) / "templates/correspondencia/acuse.html").read_text()
    switch = re.search(r"\{% if template_version >= 2 %\}.*?\{% endif %\}", source, re.S)
    old = re.search(r"\{% else %\}(.*?)\{% endif %\}", switch.group(0), re.S).group(1)
    assert OLD_LINE in old
    return source[: switch.start()] + old + source[switch.end() :]


def test_a_new_acuse_does_not_attribute_the_free_service_to_article_8():
    acuse = Acuse.objects.get(escrito=file_escrito().escrito)
    assert acuse.template_version == ACUSE_TEMPLATE_VERSION == 2
    html = render_to_string("correspondencia/acuse.html", acuse_context(acuse))
    assert "nadie puede cobrarle" in html
    assert "Artículo 8" not in html and "artículo 8" not in html


def test_an_acuse_made_before_keeps_its_wording_byte_for_byte():
    acuse = Acuse.objects.get(escrito=file_escrito().escrito)
    Acuse.objects.filter(pk=acuse.pk).update(template_version=1)
    acuse.refresh_from_db()
    context = acuse_context(acuse)
    html = render_to_string("correspondencia/acuse.html", context)
    before = engines["django"].from_string(template_before_versioning()).render(context)
    assert html == before
    assert OLD_LINE in html
    # And so is its PDF: the same HTML through the same renderer.
    assert services.acuse_render_pdf(acuse) == render_pdf(
        before, font_config=services.acuses._font_config()
    )


ARTICLE_8 = re.compile(r"art(?:ículo|\.)\s*8(?:o\.?)?(?!\d)", re.I)
# What Article 8 does not say: a number of days, or who may not charge.
NOT_IN_ARTICLE_8 = re.compile(r"\d+\s*d[íi]as|cobr|plazos? del art", re.I)


def published_texts():
    """Every page, acuse, email and PDF template, the README and the product's code (its
    messages and the demo's texts)."""
    root = Path(settings.BASE_DIR)
    code = [
        p
        for p in sorted(root.rglob("*.py"))
        if not {".venv", "tests", "var", "node_modules"} & set(p.relative_to(root).parts)
    ]
    for path in [
        *sorted((root / "templates").rglob("*.html")),
        *sorted((root / "templates").rglob("*.txt")),
        root / "README.md",
        *code,
    ]:
        text = path.read_text()
        if path.name == "acuse.html":
            # The wording of version 1 is kept for the acuses made with it, not used again.
            text = re.sub(
                r"\{% if template_version >= 2 %\}(.*?)\{% else %\}.*?\{% endif %\}",
                r"\1",
                path.read_text(),
                flags=re.S,
            )
        yield path.relative_to(root), text


def test_nothing_attributes_to_article_8_a_term_or_a_prohibition_it_does_not_state():
    found = []
    for path, text in published_texts():
        for sentence in re.split(r"(?<=[.;:|])\s+|\n\s*\n", text):
            if ARTICLE_8.search(sentence) and NOT_IN_ARTICLE_8.search(sentence):
                found.append((str(path), sentence.strip()[:160]))
    assert found == []
    # The check can fail: the closing line of the acuses made before does.
    assert ARTICLE_8.search(OLD_LINE) and NOT_IN_ARTICLE_8.search(OLD_LINE)
    old_page = "si se respondieron dentro del plazo del artículo 8."
    assert ARTICLE_8.search(old_page) and NOT_IN_ARTICLE_8.search(old_page)
