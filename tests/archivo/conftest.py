"""The archive's world: a small cuadro, an archivist, and escritos of known trámites."""

import pytest

from archivo.instrumentos import SerieData, serie_create
from archivo.models import Destino, Fondo, Seccion, SeccionTipo
from correspondencia.models import Channel, PetitionerType
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from oficialia.adjuntos import inspect_all
from tests.factories import SecretariaFactory, TramiteFactory, UserFactory, pdf_bytes, upload


@pytest.fixture
def archivista(db):
    """Amalia, Coordinación de Archivos."""
    return UserFactory(username="amalia.archivo", first_name="Amalia", roles=["archivos"])


@pytest.fixture
def obras(db):
    return SecretariaFactory(nombre="Secretaría de Obras Públicas", siglas="SOP")


@pytest.fixture
def bacheo(obras):
    return TramiteFactory(nombre="Bacheo y reparación de calles", secretaria=obras)


@pytest.fixture
def licencia(obras):
    return TramiteFactory(nombre="Licencia de construcción", secretaria=obras)


@pytest.fixture
def cuadro(archivista, bacheo, licencia):
    fondo = Fondo.objects.create(codigo="AM", nombre="Ayuntamiento Municipal")
    comun = Seccion.objects.create(
        fondo=fondo, codigo="AM.3C", nombre="Control de gestión", tipo=SeccionTipo.COMUN
    )
    obras_seccion = Seccion.objects.create(
        fondo=fondo, codigo="AM.4S", nombre="Obras públicas", tipo=SeccionTipo.SUSTANTIVA
    )
    peticiones = serie_create(
        data=SerieData(
            seccion=comun,
            codigo="AM.3C.1",
            nombre="Peticiones ciudadanas",
            vigencia_tramite=2,
            vigencia_concentracion=3,
            destino=Destino.BAJA,
            por_defecto=True,
            fundamento="Art. 8 constitucional",
        ),
        user=archivista,
    )
    servicios = serie_create(
        data=SerieData(
            seccion=obras_seccion,
            codigo="AM.4S.2",
            nombre="Servicios de mantenimiento urbano",
            vigencia_tramite=1,
            vigencia_concentracion=4,
            destino=Destino.BAJA,
            tramites=[bacheo],
        ),
        user=archivista,
    )
    licencias = serie_create(
        data=SerieData(
            seccion=obras_seccion,
            codigo="AM.4S.5",
            nombre="Licencias de construcción",
            vigencia_tramite=3,
            vigencia_concentracion=7,
            destino=Destino.HISTORICO,
            valor_legal=True,
            tramites=[licencia],
        ),
        user=archivista,
    )
    return {"peticiones": peticiones, "servicios": servicios, "licencias": licencias}


def file_with(tramite=None, *, files: int = 1, asunto: str = "Bache en calle Morelos", **kwargs):
    data = EscritoData(
        peticionario=PetitionerData(tipo=PetitionerType.FISICA, nombre="Rosa Díaz"),
        asunto=asunto,
        texto="Solicito atención.",
        tramite=tramite,
        adjuntos=inspect_all(
            [upload(f"escrito{n}.pdf", pdf_bytes(n + 1), "application/pdf") for n in range(files)]
        ),
    )
    return escrito_file(
        data=data, channel=kwargs.pop("channel", Channel.EN_LINEA), **kwargs
    ).escrito


@pytest.fixture
def agua(db):
    return SecretariaFactory(nombre="Secretaría de Agua Potable", siglas="SAP")


@pytest.fixture
def enlace_obras(obras):
    """Ernesto, enlace de Obras Públicas."""
    from tests.turnos.conftest import staff_member

    return staff_member("ernesto.enlace", "Ernesto", "enlace", obras)


@pytest.fixture
def titular_agua(agua):
    """Alma, titular de Agua Potable."""
    from tests.turnos.conftest import staff_member

    return staff_member("alma.titular", "Alma", "titular", agua)


@pytest.fixture
def caja_at(db):
    """Box AT-E02-C014 of the Oficialía's archivo de trámite, and a second one, C015."""
    from archivo.models import Caja, Deposito, Estante

    deposito = Deposito.objects.create(codigo="AT", nombre="Archivo de trámite de la Oficialía")
    estante = Estante.objects.create(deposito=deposito, codigo="E02")
    Caja.objects.create(estante=estante, codigo="C015", descripcion="Peticiones 2026, II")
    return Caja.objects.create(estante=estante, codigo="C014", descripcion="Peticiones 2026")
