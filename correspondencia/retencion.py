"""When the archival retention of an escrito ends: the date after which the personal data of a
blocked petitioner may be suppressed (LGPDPPSO: cancellation blocks first; Ley General de
Archivos: the catálogo de disposición documental fixes how long each serie is kept).

The rule is a setting (`ARCHIVAL_RETENTION_ENDS`, a dotted path) so that the archive's own
catálogo can answer instead of this default. The default counts
`ARCHIVAL_RETENTION_YEARS` from the escrito's last step once it is closed; with no years
configured, retention never ends and nothing is suppressed.
"""

from datetime import date

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OPEN_ESCRITO_STATES, Escrito


def retention_ends(escrito: Escrito) -> date | None:
    """The configured rule's answer: the first day the escrito is past retention, or None
    when that is not known (then it is never suppressed)."""
    return import_string(settings.ARCHIVAL_RETENTION_ENDS)(escrito)


def retention_ends_by_years(escrito: Escrito) -> date | None:
    years = settings.ARCHIVAL_RETENTION_YEARS
    if not years or escrito.state in OPEN_ESCRITO_STATES:
        return None
    closed = escrito.transiciones.aggregate(last=Max("at"))["last"] or escrito.received_at
    closed = timezone.localdate(closed)
    try:
        return closed.replace(year=closed.year + years)
    except ValueError:  # 29 February
        return closed.replace(year=closed.year + years, day=28)
