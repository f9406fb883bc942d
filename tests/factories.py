"""Test data: factories, the personas every test shares, and real files to attach."""

import io
import uuid

import factory
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from correspondencia.models import Channel, PetitionerType, Secretaria, Tramite
from correspondencia.services import EscritoData, PetitionerData, escrito_file


class SecretariaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secretaria
        django_get_or_create = ("nombre",)

    nombre = factory.Sequence(lambda n: f"Secretaría de Prueba {n}")
    siglas = factory.Sequence(lambda n: f"SP{n}")


class TramiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tramite

    nombre = factory.Sequence(lambda n: f"Trámite {n}")
    secretaria = factory.SubFactory(SecretariaFactory)
    plazo_dias_habiles = 10


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = "Usuario"
    password = factory.django.Password("contraseña-de-prueba")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if text:
        writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 20, 50)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def escrito_form_data(**overrides) -> dict:
    """What a citizen types in the online form."""
    data = {
        "tipo": PetitionerType.FISICA,
        "nombre": "María Guadalupe Hernández Ruiz",
        "email": "lupita@example.com",
        "telefono": "747 123 4567",
        "curp": "",
        "rfc": "",
        "genero": "mujer",
        "asunto": "Reparación de luminaria en calle Morelos",
        "texto": "Solicito atentamente la reparación de la luminaria frente al número 12.",
        "acepto_aviso": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def file_escrito(*, attachments: list | None = None, channel=Channel.EN_LINEA, **kwargs):
    """File an escrito through the real service, with inspected attachments."""
    from oficialia.adjuntos import inspect_all

    data = EscritoData(
        peticionario=PetitionerData(
            tipo=kwargs.pop("tipo", PetitionerType.FISICA),
            nombre=kwargs.pop("nombre", "José Luis Martínez"),
            email=kwargs.pop("email", ""),
            genero=kwargs.pop("genero", ""),
        ),
        asunto=kwargs.pop("asunto", "Solicitud de bacheo"),
        texto=kwargs.pop("texto", "Texto de la solicitud."),
        fojas=kwargs.pop("fojas", None),
        adjuntos=inspect_all(attachments or []),
    )
    return escrito_file(data=data, channel=channel, **kwargs)


def notify_electronically(escrito) -> list[int]:
    """The petitioner opens the escrito's page (as on /consulta/): its answers and open
    prevenciones are notified electronically now."""
    from notificaciones.models import Medio
    from notificaciones.services import opened_record
    from turnos.selectors import public_status

    status = public_status(escrito)
    return opened_record(
        escrito=escrito,
        respuestas=status.respuestas,
        prevenciones=status.open_prevenciones,
        medio=Medio.CONSULTA,
    )


def turno_prevent_notified(**kwargs):
    """A prevención made and notified at once (the petitioner opened it in the same moment)."""
    from turnos.services import turno_prevent

    prevencion = turno_prevent(**kwargs)
    notify_electronically(prevencion.turno.escrito)
    prevencion.refresh_from_db()
    return prevencion


def turno_answer_notified(**kwargs):
    """An answer written and notified at once."""
    from turnos.services import turno_answer

    respuesta = turno_answer(**kwargs)
    notify_electronically(respuesta.turno.escrito)
    respuesta.refresh_from_db()
    return respuesta


def sign_in_lock(username: str = "remedios.salgado", ip_address: str = "192.0.2.9"):
    """The lock django-axes leaves on an account after the failed sign-ins its limit allows."""
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip_address,
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/entrar/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
