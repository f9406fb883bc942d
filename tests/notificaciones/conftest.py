
from tests.cuentas.conftest import lupita, lupita_client  # noqa: F401
from tests.turnos.conftest import (  # noqa: F401
    _fast_password_hashing,
    agua,
    obras,
    receive,
    titular_agua,
    titular_obras,
    turn,
)
