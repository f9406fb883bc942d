"""Hostile input gets a 4xx (or the form again, with its error), never a 500."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from correspondencia.models import Escrito
from oficialia.entrada import FechaField, typed_date, whole_number
from tests.factories import SecretariaFactory, UserFactory, escrito_form_data


def long_email(length: int) -> str:
    """A syntactically valid address of exactly `length` characters (RFC 5321 allows 320)."""
    domain = "b" * 60 + "." + "c" * 60 + ".mx"
    address = "a" * (length - 1 - len(domain)) + "@" + domain
    assert len(address) == length, len(address)
    return address


@pytest.fixture
def staff(db):
    return UserFactory(
        username="todo.personal",
        roles=["oficialia", "ventanilla", "contraloria", "administracion"],
    )


@pytest.mark.parametrize("length", [255, 300, 320])
def test_a_long_email_on_the_filing_form_is_refused_with_a_message(client, db, length):
    response = client.post(reverse("escrito_nuevo"), escrito_form_data(email=long_email(length)))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "254" in response.context["form"].errors["email"][0]
    assert not Escrito.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("queja_nueva", "email"),
        ("cuenta_registro", "email"),
        ("cuenta_confirmar_reenviar", "email"),
        ("cuenta_password_reset", "email"),
        ("cuenta_entrar", "username"),
        ("login", "username"),
    ],
)
def test_a_long_email_on_every_other_form_never_fails(client, db, url_name, field):
    response = client.post(reverse(url_name), {field: long_email(320), "password": "x"})
    assert response.status_code < 500
    if response.status_code == 200 and "form" in response.context:
        assert response.context["form"].errors


@pytest.mark.parametrize(
    "path",
    [
        "/consulta/?folio=%00",
        "/tramites/?q=a%00b",
        "/transparencia/?anio=%00",
        "/transparencia/?secretaria=%00",
        "/oficialia/?q=%00",
        "/contraloria/bitacora/?folio=%00",
        "/tramites/a%00b/",
        "/consulta/OP-2026-%00/acuse.pdf",
        "/verificar/%00/",
        "/fila/pantalla/%00/",
        "/%00/",
    ],
)
def test_a_nul_byte_in_the_address_is_a_400_that_says_why(client, staff, path):
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 400
    assert "carácter nulo" in response.content.decode()


def test_a_nul_byte_in_a_form_field_is_a_400(client, db):
    response = client.post(reverse("consulta"), {"folio": "OP\x00", "codigo": "A"})
    assert response.status_code == 400


@pytest.mark.parametrize("anio", ["²", "٣", "२०२५", "2⁰25", "99999999999999999999999", "-1"])
def test_a_year_that_is_not_plain_digits_is_not_found(client, db, anio):
    response = client.get(reverse("transparencia"), {"anio": anio})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "1.5", "-3", "9" * 40])
def test_the_oficialia_inbox_filters_by_a_secretaria_that_is_not_a_number(client, db, value):
    client.force_login(UserFactory(username="tomas.turnador", roles=["oficialia"]))
    SecretariaFactory()
    response = client.get(reverse("oficialia_inbox"), {"secretaria": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 40, "-1"])
def test_the_routed_list_filters_by_a_secretaria_that_is_not_a_number(client, db, value):
    client.force_login(UserFactory(roles=["oficialia"]))
    response = client.get(reverse("oficialia_turnados"), {"secretaria": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "abc", "9" * 40])
def test_the_bitacora_search_takes_any_user_and_entry_id(client, staff, value):
    client.force_login(staff)
    for params in ({"usuario": value}, {"antes": value}, {"despues": value}):
        assert client.get(reverse("contraloria_bitacora"), params).status_code < 500


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), ("²", None), ("٣", None), ("", None), ("1e3", None), ("9" * 19, None)],
)
def test_whole_number_reads_only_ascii_digits(raw, expected):
    assert whole_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        (" 2026-12-04 ", date(2026, 12, 4)),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_typed_date_reads_only_dates_a_term_can_reach(raw, expected):
    assert typed_date(raw) == expected


class _Periodo(forms.Form):
    hasta = FechaField()
    nota = forms.CharField()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_beyond_any_term_is_refused_next_to_its_field(day):
    form = _Periodo({"hasta": day, "nota": "lo que escribió"})
    assert not form.is_valid()
    assert form.errors == {"hasta": ["Escriba una fecha entre los años 1900 y 2199."]}
    assert 'value="lo que escribió"' in str(form["nota"])


def test_the_search_desk_answers_a_date_at_the_end_of_the_calendar(client, staff):
    client.force_login(staff)
    response = client.get(reverse("busqueda"), {"q": "agua", "hasta": "9999-12-31"})
    assert response.status_code == 200
    assert "Escriba una fecha entre los años 1900 y 2199." in response.content.decode()
