"""Who may work a módulo: the titular and the enlaces of its secretaría."""

from oficialia.roles import SECRETARIA_ROLES, Role, has_role, secretaria_of

# The people at a secretaría's windows are its staff. Only the titular sets the schedule of
# appointments (how many people the secretaría can receive is the titular's decision).
CONSOLE_ROLES = SECRETARIA_ROLES
SCHEDULE_ROLES = (Role.TITULAR,)


def can_attend(user, modulo) -> bool:
    if not has_role(user, *CONSOLE_ROLES):
        return False
    secretaria_id, _area = secretaria_of(user)
    return secretaria_id is not None and secretaria_id == modulo.secretaria_id
