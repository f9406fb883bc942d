"""No admin page can change what a record certifies: the acuse, the escrito and its
transitions, the turnos, the bitácora and its published heads."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from correspondencia.models import Acuse, Adjunto, Escrito, Transicion
from oficialia.models import Bitacora, BitacoraCabeza
from tests.factories import UserFactory, file_escrito
from turnos.models import Turno

CERTIFIED = [Acuse, Adjunto, Escrito, Transicion, Turno, Bitacora, BitacoraCabeza]


@pytest.fixture
def superuser(db):
    user = UserFactory(username="raiz")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("model", CERTIFIED, ids=lambda m: m.__name__)
def test_not_even_a_superuser_can_edit_a_certified_record_in_the_admin(model, superuser):
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all: nothing to edit there
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_every_inline_of_a_certified_record_is_read_only(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model in CERTIFIED:
        model_admin = admin.site._registry.get(model)
        for inline in model_admin.get_inline_instances(request) if model_admin else []:
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_delete_permission(request, None), inline
            assert set(inline.get_fields(request)) <= set(inline.get_readonly_fields(request))


def test_posting_to_an_acuse_change_page_changes_nothing(client, superuser):
    escrito = file_escrito(queue_acuse=False).escrito
    acuse = escrito.acuse
    client.force_login(superuser)
    url = reverse("admin:correspondencia_acuse_change", args=[acuse.pk])
    response = client.post(url, {"queued_at_0": "2020-01-01", "queued_at_1": "00:00:00"})
    assert response.status_code in (200, 403)
    acuse.refresh_from_db()
    assert acuse.queued_at is None or acuse.queued_at.year != 2020
    page = client.get(url).content.decode()
    assert 'name="queued_at_0"' not in page and "<form" in page
