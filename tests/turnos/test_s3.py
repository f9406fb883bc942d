"""Routing and answering (the oficio uploaded by the secretaría, downloaded by the citizen)
with every file in a real S3-compatible store."""

import pytest

from tests.turnos.test_flow import *  # noqa: F403


@pytest.fixture(autouse=True)
def _files_in_the_object_store(s3_storage, settings):
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
