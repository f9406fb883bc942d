"""The archival baja suppresses the documents' files in a real S3-compatible store too."""

import pytest

from tests.archivo.test_disposicion import (  # noqa: F401
    pytestmark,
    test_a_baja_suppresses_files_only_after_its_publication,
)


@pytest.fixture(autouse=True)
def _files_in_the_object_store(s3_storage, settings):
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
