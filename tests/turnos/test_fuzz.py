"""Property-based fuzz: no address, GET parameter or public form answers 500.

Every URL pattern of the project (the table of test_permissions.py, which fails when a URL is
not in it) is opened once by a persona allowed to see it while every read of `request.GET` is
recorded: those names are the page's parameters (the filters a view reads, and every field of
a form bound to the query string). Hypothesis then sends each page hostile values for them and
for its path segments, and every public form hostile values for each of its fields. Anything
but a 500 is fine: a 4xx, or the page with a message.

The budget is bounded: FUZZ_EXAMPLES examples per page (8 by default) and no deadline.
"""

import os
import re
import string
from urllib.parse import quote

import pytest
from django.core.handlers import wsgi
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cuentas.conftest import signed_in

from .test_permissions import URLS, _client, _cuentas, _roles, personas, world  # noqa: F401

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "२०२५",
    "-1",
    "0",
    "1.5",
    "1e309",
    "9" * 40,
    "NaN",
    "null",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "%00",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "31/12/2026",
    "🙂" * 10,
    "a" * 5000,
    "=1+1",
    "\u202e",
    "\r\n",
]

# Values that broke pages before, tried on every parameter of every page at once: the
# calendar's ends (a date filter computing the day after overflows), a number wider than any
# column, and a digit that is not ASCII (`str.isdigit()` says yes, `int()` refuses it).
EDGE_VALUES = ("0001-01-01", "9999-12-31", "9" * 40, "²")

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


class RecordingQueryDict(QueryDict):
    """A QueryDict that remembers which names a view asked it for."""

    seen: set[str] | None = None

    def _note(self, key) -> None:
        if RecordingQueryDict.seen is not None and isinstance(key, str):
            RecordingQueryDict.seen.add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


def _reader(w, personas, name: str) -> Client:  # noqa: F811
    """A client of someone allowed to open the page."""
    rule = URLS[name]
    if rule.account:
        owner, _ = _cuentas(w)
        return signed_in(owner)
    if rule.public:
        client = Client()
        if rule.petitioner is not None:
            client.post(reverse("consulta"), {"folio": w.escrito.folio, "codigo": w.access_code})
        return client
    for who, user in personas.items():
        if who in rule.hidden_from:
            continue
        if rule.signed_in or _roles(user) & rule.roles:
            return _client(user)
    raise AssertionError(f"nobody may open {name}")


def _get(client: Client, url: str, params: dict | None = None):
    response = client.get(url, params or {})
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _discover(client: Client, url: str, monkeypatch) -> set[str]:
    seen: set[str] = set()
    monkeypatch.setattr(wsgi, "QueryDict", RecordingQueryDict)
    RecordingQueryDict.seen = seen
    try:
        _get(client, url)
    finally:
        RecordingQueryDict.seen = None
        monkeypatch.undo()
    return seen


def _explore(check, **strategies) -> None:
    """Run `check` on EXAMPLES draws of `strategies`; hypothesis shrinks any failure."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(**strategies)
    def run(**drawn):
        check(**drawn)

    run()


def _fail_on_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"


FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
GET_PAGES = sorted(name for name, rule in URLS.items() if "GET" in rule.methods)


def test_every_get_parameter_of_every_page_takes_hostile_values(world, personas, monkeypatch):  # noqa: F811
    discovered: dict[str, set[str]] = {}
    for name in GET_PAGES:
        rule = URLS[name]
        kwargs = {k: str(v) for k, v in rule.kwargs(world).items()}
        url = reverse(name, kwargs=kwargs)
        client = _reader(world, personas, name)
        read = _discover(client, url, monkeypatch)
        # A view may read its filters as a set (`set(request.GET)`), which names nothing;
        # the fields of the page's own forms name them.
        first = _get(client, url)
        html = "" if first.streaming else first.content.decode(errors="replace")
        shown = set(FIELD.findall(html))
        params = sorted((read | shown | {"pagina", "q"}) - {"csrfmiddlewaretoken"})
        discovered[name] = set(params)

        for edge in EDGE_VALUES:
            values = dict.fromkeys(params, edge)
            _fail_on_500(_get(client, url, values), f"GET {name} {url} {values!r}")

        def query_string(values, url=url, client=client, name=name):
            _fail_on_500(_get(client, url, values), f"GET {name} {url} {values!r}")

        _explore(
            query_string,
            values=st.dictionaries(st.sampled_from(params), hostile_text, max_size=4),
        )

        text_args = [k for k, v in kwargs.items() if not v.isdigit()]
        if text_args:

            def path_segment(arg, value, name=name, kwargs=kwargs, client=client):
                route = reverse(name, kwargs=kwargs)
                fuzzed = route.replace(quote(kwargs[arg], safe=""), quote(value, safe=""), 1)
                _fail_on_500(_get(client, fuzzed), f"GET {name} {fuzzed!r}")

            _explore(path_segment, arg=st.sampled_from(text_args), value=hostile_text.filter(bool))
    # The filters the pages are known to read were found, so the walk is not empty.
    assert {"anio", "secretaria"} <= discovered["transparencia"]
    assert {"secretaria", "medio", "orden"} <= discovered["oficialia_inbox"]
    assert {"desde", "hasta"} <= discovered["contraloria_senales"]


PUBLIC_FORMS = sorted(
    name for name, rule in URLS.items() if rule.public and {"GET", "POST"} <= set(rule.methods)
)


def test_every_public_form_takes_hostile_values(world, personas):  # noqa: F811
    fuzzed = []
    for name in PUBLIC_FORMS:
        rule = URLS[name]
        url = reverse(name, kwargs=rule.kwargs(world))
        client = _reader(world, personas, name)
        page = _get(client, url).content.decode()
        fields = sorted(set(FIELD.findall(page)) - {"csrfmiddlewaretoken"})
        if not fields:
            continue  # e.g. the appointment page before a day is chosen: nothing to post
        fuzzed.append(name)

        def post(values, url=url, client=client, name=name):
            _fail_on_500(client.post(url, values), f"POST {name} {values!r}")

        _explore(
            post, values=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, hostile_text))
        )
    assert {"escrito_nuevo", "consulta", "queja_nueva", "cuenta_registro"} <= set(fuzzed)


def test_the_recorder_sees_a_parameter_read_by_a_view(world, personas, monkeypatch):  # noqa: F811
    seen = _discover(Client(), reverse("transparencia"), monkeypatch)
    assert "anio" in seen
    assert set(string.ascii_lowercase) & seen == set()


def test_every_page_answers_with_redis_stopped(world, personas, redis_server_factory, settings):  # noqa: F811
    """Cache and broker on a Redis that is down: every page, for someone allowed to see it,
    still answers (the limits count in the database, tasks wait in the outbox)."""
    from tests.conftest import celery_broker
    from tests.resiliencia.test_degradar import _redis_caches

    redis = redis_server_factory().start()
    redis.stop()
    original = settings.CACHES
    settings.REDIS_URL = redis.url
    settings.CACHES = _redis_caches(redis.url, "base")
    failed = []
    try:
        with celery_broker(redis.url):
            for name in GET_PAGES:
                rule = URLS[name]
                url = reverse(name, kwargs=rule.kwargs(world))
                status = _get(_reader(world, personas, name), url).status_code
                if status >= 500:
                    failed.append(f"{name} {url}: {status}")
    finally:
        settings.CACHES = original
    assert not failed, failed
