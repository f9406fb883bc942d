"""The dictamen and the acta de baja leave signed with the institution's certificate (PAdES,
like the acuse), are kept byte for byte, and pyHanko validates them."""

import io
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from archivo import disposicion
from archivo.models import BajaDocumental, Custodia
from oficialia import firma

from .test_disposicion import closed

pytestmark = pytest.mark.django_db


def pyhanko_validates(content: bytes) -> tuple[bool, str]:
    """pyHanko's own verdict, trusting only the institution's root."""
    root = firma.institution_identity().root
    trust = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(content))
    [signature] = reader.embedded_regular_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[trust], allow_fetching=False)
    )
    # Covered whole, or whole but for the validation data (DSS) added after signing.
    untouched = status.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
    return (status.bottom_line and status.trusted and untouched, status.pretty_print_details())


@pytest.fixture
def baja(cuadro, bacheo, archivista):
    long_ago = timezone.localdate() - timedelta(days=365 * 6)
    expediente = closed(bacheo, on=long_ago, custodia=Custodia.CONCENTRACION)
    return disposicion.baja_dictaminar(expediente_ids=[expediente.pk], user=archivista)


def test_the_dictamen_is_signed_when_dictaminado_and_served_as_kept(client, baja, archivista):
    baja.refresh_from_db()
    assert baja.dictamen_pdf.name and default_storage.exists(baja.dictamen_pdf.name)
    kept = baja.dictamen_pdf.read()
    valid, signer = pyhanko_validates(kept)
    assert valid, signer
    [verdict] = firma.verify_pdf(kept, roots=[firma.institution_identity().root], offline=True)
    assert verdict.valida, verdict
    client.force_login(archivista)
    served = client.get(reverse("archivo_baja_documento", args=[baja.numero, "dictamen"]))
    assert served.content == kept  # the same signed bytes every time
    text = PdfReader(io.BytesIO(kept)).pages[0].extract_text()
    assert "Dictamen de valoración" in text and "firma electrónica avanzada (PAdES)" in text


def test_the_acta_exists_only_once_the_baja_is_carried_out_and_is_signed(
    client, baja, archivista, django_capture_on_commit_callbacks
):
    client.force_login(archivista)
    acta = reverse("archivo_baja_documento", args=[baja.numero, "acta"])
    assert client.get(acta).status_code == 404
    disposicion.baja_publicar(baja_id=baja.pk, user=archivista)
    assert client.get(acta).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        disposicion.baja_ejecutar(baja_id=baja.pk, user=archivista)
    baja.refresh_from_db()
    content = client.get(acta).content
    assert content == baja.acta_pdf.read()
    valid, signer = pyhanko_validates(content)
    assert valid, signer
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Acta de baja documental" in text and "se suprimieron" in text
    # The public list offers both once carried out.
    client.logout()
    public = client.get(reverse("archivo_bajas_publicas")).content.decode()
    assert acta in public
    assert client.get(acta).content == content


def test_a_tampered_dictamen_no_longer_validates(baja):
    baja.refresh_from_db()
    kept = bytearray(baja.dictamen_pdf.read())
    at = kept.index(b"Dictamen")
    kept[at : at + 8] = b"Dictamem"
    [verdict] = firma.verify_pdf(
        bytes(kept), roots=[firma.institution_identity().root], offline=True
    )
    assert not verdict.valida


def test_a_baja_made_before_documents_were_kept_gets_them_signed_when_asked(
    client, baja, archivista
):
    BajaDocumental.objects.filter(pk=baja.pk).update(dictamen_pdf="", dictamen_sha256="")
    client.force_login(archivista)
    served = client.get(reverse("archivo_baja_documento", args=[baja.numero, "dictamen"]))
    assert pyhanko_validates(served.content)[0]
    baja.refresh_from_db()
    assert baja.dictamen_pdf.name and baja.dictamen_sha256
