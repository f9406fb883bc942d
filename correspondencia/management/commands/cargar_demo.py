"""Demo data: the secretarías, trámites, one user per role and escritos of the last 18 months.

Runs once: with escritos already in the database it only makes sure catalogues and users exist.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from correspondencia.attachments import inspect_all
from correspondencia.models import Channel, Escrito, Gender, PetitionerType, Secretaria, Tramite
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from oficialia.roles import Role

DEMO_PASSWORD = "oficialia2026"

SECRETARIAS = [
    ("Control Patrimonial", "CP"),
    ("Finanzas y Administración", "SFA"),
    ("Bienestar Social", "SBS"),
    ("Salud Municipal", "SSM"),
    ("Obras Públicas", "SOP"),
    ("Recursos Humanos", "RH"),
    ("Planeación y Presupuesto", "SPP"),
    ("Desarrollo Urbano", "SDU"),
    ("Catastro", "CAT"),
    ("Registro Civil", "RC"),
    ("Licencias Comerciales", "LC"),
    ("Contraloría Interna", "CI"),
    ("Unidad de Transparencia", "UT"),
]

# (trámite, secretaría, plazo en días hábiles, descripción)
TRAMITES = [
    ("Licencia de construcción", "Desarrollo Urbano", 15, "Obra nueva, ampliación o remodelación."),
    ("Constancia de uso de suelo", "Desarrollo Urbano", 10, "Uso permitido de un predio."),
    ("Licencia de funcionamiento", "Licencias Comerciales", 10, "Apertura de un negocio."),
    ("Refrendo de licencia comercial", "Licencias Comerciales", 5, "Renovación anual."),
    ("Copia certificada de acta de nacimiento", "Registro Civil", 3, "Expedición de copias."),
    ("Constancia de no adeudo predial", "Catastro", 5, "Para escrituración o venta."),
    ("Avalúo catastral", "Catastro", 10, "Valor catastral de un predio."),
    ("Bacheo y reparación de calles", "Obras Públicas", 15, "Baches y hundimientos."),
    ("Reparación de alumbrado público", "Obras Públicas", 10, "Luminarias apagadas o dañadas."),
    ("Poda o derribo de árbol", "Desarrollo Urbano", 10, "Árboles en vía pública."),
    ("Apoyo social", "Bienestar Social", 10, "Programas de apoyo a familias."),
    ("Solicitud de información pública", "Unidad de Transparencia", 20, "Derecho de acceso."),
    ("Campaña de vacunación o fumigación", "Salud Municipal", 10, "Salud en colonias."),
    ("Constancia de servicio", "Recursos Humanos", 5, "Para trabajadores del Ayuntamiento."),
]

USERS = [
    ("ventanilla", "Verónica", "Ramírez", Role.VENTANILLA),
    ("turnador", "Tomás", "Gutiérrez", Role.OFICIALIA),
    ("titular", "Patricia", "Solís", Role.TITULAR),
    ("enlace", "Eduardo", "Navarro", Role.ENLACE),
    ("operativo", "Óscar", "Morales", Role.OPERATIVO),
    ("contraloria", "Carmen", "Vega", Role.CONTRALORIA),
    ("administracion", "Adriana", "Luna", Role.ADMINISTRACION),
]

NOMBRES_M = ["María", "Guadalupe", "Rosa", "Ana", "Leticia", "Juana", "Martha", "Elena", "Sofía"]
NOMBRES_H = ["José", "Juan", "Luis", "Miguel", "Francisco", "Jesús", "Pedro", "Alejandro", "Raúl"]
APELLIDOS = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Morales",
    "Vázquez",
    "Jiménez",
    "Reyes",
    "Díaz",
    "Torres",
    "Nava",
    "Salgado",
    "Abarca",
    "Astudillo",
    "Catalán",
]
EMPRESAS = [
    "Materiales del Sur, S.A. de C.V.",
    "Abarrotes La Guerrerense, S. de R.L.",
    "Constructora Tixtla, S.A. de C.V.",
    "Farmacias del Centro, S.A.",
    "Asociación de Colonos de Jacarandas, A.C.",
]
DEPENDENCIAS = [
    "Secretaría de Educación Guerrero",
    "Comisión Nacional del Agua",
    "Fiscalía General del Estado",
    "Instituto Nacional Electoral, Junta Distrital 07",
]
ASUNTOS = [
    "Solicitud de reparación de luminaria en la colonia {c}",
    "Bache de gran tamaño en la calle principal de {c}",
    "Petición de poda de árbol que daña el cableado en {c}",
    "Solicitud de apoyo para material de construcción",
    "Queja por acumulación de basura en {c}",
    "Solicitud de constancia de no adeudo predial",
    "Solicitud de licencia de funcionamiento para tienda de abarrotes",
    "Petición de fumigación contra el dengue en {c}",
    "Solicitud de información sobre obras en {c}",
    "Invitación a reunión de trabajo interinstitucional",
    "Solicitud de audiencia con el Presidente Municipal",
    "Solicitud de copia certificada de acta de nacimiento",
]
COLONIAS = [
    "Centro",
    "Jacarandas",
    "Tepango",
    "Galeana",
    "Progreso",
    "Emiliano Zapata",
    "Universal",
]


class Command(BaseCommand):
    help = "Carga los datos de demostración (una vez): catálogos, usuarios por rol y escritos."

    def add_arguments(self, parser):
        parser.add_argument("--escritos", type=int, default=300)
        parser.add_argument("--semilla", type=int, default=2026)

    def handle(self, *args, escritos: int, semilla: int, **options):
        self.load_catalogues()
        self.load_users()
        if Escrito.objects.exists():
            self.stdout.write("Ya hay escritos: no se cargan escritos de demostración.")
            return
        # The demo petitioners' addresses do not exist: keep their acuses off the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self.load_escritos(escritos, random.Random(semilla))
        self.stdout.write(self.style.SUCCESS(f"{escritos} escritos de demostración cargados."))

    @transaction.atomic
    def load_catalogues(self) -> None:
        for nombre, siglas in SECRETARIAS:
            Secretaria.objects.get_or_create(nombre=nombre, defaults={"siglas": siglas})
        for nombre, secretaria, plazo, descripcion in TRAMITES:
            Tramite.objects.get_or_create(
                nombre=nombre,
                defaults={
                    "secretaria": Secretaria.objects.get(nombre=secretaria),
                    "plazo_dias_habiles": plazo,
                    "descripcion": descripcion,
                },
            )

    @transaction.atomic
    def load_users(self) -> None:
        for username, first, last, role in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMINISTRACION:
                    user.is_staff = user.is_superuser = True
                user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])

    def load_escritos(self, count: int, rng: random.Random) -> None:
        tramites = list(Tramite.objects.select_related("secretaria"))
        secretarias = list(Secretaria.objects.all())
        clerk = User.objects.get(username="ventanilla")
        now = timezone.localtime()
        start = now - timedelta(days=548)
        moments = sorted(
            min(self.business_hour(start + timedelta(days=rng.randint(0, 547)), rng), now)
            for _ in range(count)
        )
        for moment in moments:
            channel = rng.choices(
                [
                    Channel.EN_LINEA,
                    Channel.VENTANILLA,
                    Channel.CORREO_POSTAL,
                    Channel.MENSAJERIA,
                    Channel.CORREO_ELECTRONICO,
                ],
                weights=[50, 35, 5, 5, 5],
            )[0]
            tramite = rng.choice(tramites) if rng.random() < 0.6 else None
            paper = channel != Channel.EN_LINEA
            peticionario = self.petitioner(rng)
            oficio = ""
            if peticionario.tipo == PetitionerType.DEPENDENCIA:
                oficio = f"OF-{rng.randint(100, 999)}/{moment.year}"
            escrito_file(
                data=EscritoData(
                    peticionario=peticionario,
                    asunto=rng.choice(ASUNTOS).format(c=rng.choice(COLONIAS)),
                    texto="Por medio del presente, con fundamento en el artículo 8 de la "
                    "Constitución, solicito atentamente se atienda lo expuesto.",
                    tramite=tramite,
                    secretaria_destino=(
                        tramite.secretaria
                        if tramite and rng.random() < 0.5
                        else rng.choice(secretarias)
                        if rng.random() < 0.2
                        else None
                    ),
                    fojas=rng.randint(1, 8) if paper else None,
                    anexos=rng.randint(0, 3) if paper else None,
                    ubicacion_original=f"Archivo de trámite, caja {moment:%Y-%m}" if paper else "",
                    numero_oficio=oficio,
                    adjuntos=inspect_all([]),
                ),
                channel=channel,
                captured_by=clerk if paper else None,
                received_at=moment,
                # Older acuses are made when first downloaded; keeps the first `make run` short.
                queue_acuse=now - moment < timedelta(days=30),
            )

    @staticmethod
    def business_hour(day: datetime, rng: random.Random) -> datetime:
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        clock = time(rng.randint(8, 15), rng.randint(0, 59), rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day.date(), clock))

    @staticmethod
    def petitioner(rng: random.Random) -> PetitionerData:
        kind = rng.choices(
            [PetitionerType.FISICA, PetitionerType.MORAL, PetitionerType.DEPENDENCIA],
            weights=[80, 12, 8],
        )[0]
        if kind == PetitionerType.FISICA:
            mujer = rng.random() < 0.55
            nombre = (
                f"{rng.choice(NOMBRES_M if mujer else NOMBRES_H)} "
                f"{rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"
            )
            genero = rng.choices(
                [Gender.MUJER if mujer else Gender.HOMBRE, Gender.PREFIERO_NO_DECIR, ""],
                weights=[80, 5, 15],
            )[0]
        else:
            nombre = rng.choice(EMPRESAS if kind == PetitionerType.MORAL else DEPENDENCIAS)
            genero = ""
        email = ""
        if rng.random() < 0.6:
            email = f"{nombre.split()[0].lower()}.{rng.randint(10, 99)}@example.com"
        return PetitionerData(
            tipo=kind,
            nombre=nombre,
            email=email,
            telefono=f"747 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            genero=genero,
        )
