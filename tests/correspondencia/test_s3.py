"""The filing, acuse and download tests again, with every file in a real S3-compatible store
(SeaweedFS's weed on a loopback port) instead of MEDIA_ROOT: the same tests, imported, with
default_storage switched for each of them."""

import pytest

from tests.correspondencia.test_acuse_worker import *  # noqa: F403
from tests.correspondencia.test_consulta import *  # noqa: F403
from tests.correspondencia.test_filing import *  # noqa: F403

# The demo loader travels in time to date its history, and an S3 request signed with a clock
# months away from the store's is refused (RequestTimeTooSkewed, a 403). The demo keeps its
# files in the local folder, as `make run` does; it is tested there (test_consulta.py).
del test_the_demo_data_loads_catalogues_users_and_escritos  # noqa: F821


@pytest.fixture(autouse=True)
def _files_in_the_object_store(s3_storage, settings, request):
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    # The parametrized uploads are the very objects test_filing.py already read: rewind them.
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    for value in params.values():
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "seek"):
                item.seek(0)
