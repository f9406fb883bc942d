"""ARCO cancellation and the later suppression of blocked data, with every file in a real
S3-compatible store: the escritos' files stay byte for byte."""

import pytest

from tests.cuentas.test_arco import (  # noqa: F401
    a_whole_life,
    pytestmark,
    test_blocked_data_is_suppressed_only_past_archival_retention_and_only_when_asked,
    test_cancellation_blocks_the_data_and_changes_no_byte_of_the_escritos,
)


@pytest.fixture(autouse=True)
def _files_in_the_object_store(s3_storage, settings):
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
