"""Demo data: the secretarías, trámites, one user per role and escritos of the last 18 months.

Each escrito lives its life through the real services (routed, accepted, answered on time or
late, some returned, prevented, rated or still open), at the moments it would have happened:
the clock is moved with time-machine so every date on record is consistent.

Runs once: with escritos already in the database it only makes sure catalogues and users exist.
"""

import random
from datetime import datetime, time, timedelta

import time_machine
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from correspondencia.attachments import inspect_all
from correspondencia.models import Channel, Escrito, Gender, PetitionerType, Secretaria, Tramite
from correspondencia.services import EscritoData, PetitionerData, escrito_file
from oficialia.business_days import BusinessCalendar
from oficialia.roles import Role
from turnos import services as turnos
from turnos.models import Perfil, Sense, TareaState, Turno, TurnoState

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

# (username, first name, last name, role, siglas of the secretaría or None)
USERS = [
    ("ventanilla", "Verónica", "Ramírez", Role.VENTANILLA, None),
    ("turnador", "Tomás", "Gutiérrez", Role.OFICIALIA, None),
    ("titular", "Patricia", "Solís", Role.TITULAR, "SOP"),
    ("enlace", "Eduardo", "Navarro", Role.ENLACE, "SOP"),
    ("operativo", "Óscar", "Morales", Role.OPERATIVO, "SOP"),
    ("contraloria", "Carmen", "Vega", Role.CONTRALORIA, None),
    ("administracion", "Adriana", "Luna", Role.ADMINISTRACION, None),
]
SENSES = ([Sense.POSITIVA, Sense.INFORMATIVA, Sense.PARCIAL, Sense.NEGATIVA], [45, 25, 15, 15])
ANSWERS = {
    Sense.POSITIVA: "Se atenderá su petición; el área operativa programó los trabajos.",
    Sense.INFORMATIVA: "Le informamos el procedimiento y los requisitos para su solicitud.",
    Sense.PARCIAL: "Se atiende parcialmente; lo restante depende de presupuesto del próximo año.",
    Sense.NEGATIVA: "No es posible atender su petición por las razones que se exponen.",
}

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
        people = list(USERS)
        # Every other secretaría gets its titular and enlace: titular.cat, enlace.cat, ...
        for nombre, siglas in SECRETARIAS:
            if siglas != "SOP":
                people.append(
                    (f"titular.{siglas.lower()}", "Titular", nombre, Role.TITULAR, siglas)
                )
                people.append((f"enlace.{siglas.lower()}", "Enlace", nombre, Role.ENLACE, siglas))
        for username, first, last, role, siglas in people:
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
            secretaria = Secretaria.objects.get(siglas=siglas) if siglas else None
            Perfil.objects.get_or_create(user=user, defaults={"secretaria": secretaria})

    def load_escritos(self, count: int, rng: random.Random) -> None:
        tramites = list(Tramite.objects.select_related("secretaria"))
        secretarias = list(Secretaria.objects.all())
        clerk = User.objects.get(username="ventanilla")
        self.calendar = BusinessCalendar()
        self.secretarias = secretarias
        self.turnador = User.objects.get(username="turnador")
        self.operativo = User.objects.get(username="operativo")
        self.staff = {
            p.secretaria_id: p.user
            for p in Perfil.objects.select_related("user").filter(
                user__groups__name=Role.TITULAR, secretaria__isnull=False
            )
        }
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
            escrito = escrito_file(
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
            ).escrito
            self.live(escrito, rng, now)

    def live(self, escrito: Escrito, rng: random.Random, now: datetime) -> None:
        """What happened to the escrito after it arrived, each step at its own moment."""
        calendar = self.calendar
        moment = escrito.received_at

        def later(business_days: int, hours: int = 0) -> datetime | None:
            day = calendar.add_business_days(timezone.localtime(moment).date(), business_days)
            at = timezone.make_aware(
                datetime.combine(day, time(rng.randint(9, 14), rng.randint(0, 59)))
            )
            at += timedelta(hours=hours)
            return at if at < now else None

        def at(when: datetime | None):
            return time_machine.travel(when, tick=False)

        turned_at = later(rng.choice([0, 1, 1, 2]), hours=2)
        if turned_at is None or rng.random() < 0.04:
            return  # still waiting for the oficialía
        secretaria = (
            escrito.tramite.secretaria
            if escrito.tramite_id
            else escrito.secretaria_destino or rng.choice(self.secretarias)
        )
        routes = [turnos.Route(secretaria=secretaria, instruccion="Atender y dar respuesta.")]
        if rng.random() < 0.15:
            copy = rng.choice([s for s in self.secretarias if s != secretaria])
            routes.append(turnos.Route(secretaria=copy, kind="conocimiento"))
        if rng.random() < 0.03:
            with at(turned_at):
                turnos.escrito_reject(
                    escrito_id=escrito.pk, user=self.turnador, reason="No contiene petición alguna."
                )
            return
        with at(turned_at):
            turnos.escrito_turn(escrito_id=escrito.pk, user=self.turnador, routes=routes)
        turno = Turno.objects.get(escrito=escrito, secretaria=secretaria)
        moment = turned_at
        accepted_at = later(rng.choice([0, 1, 1, 2]), hours=1)
        if accepted_at is None:
            return
        worker = self.staff[secretaria.pk]
        for extra in Turno.objects.filter(escrito=escrito, kind="conocimiento"):
            with at(accepted_at):
                turnos.turno_accept(turno_id=extra.pk, user=self.staff[extra.secretaria_id])
        if rng.random() < 0.06:
            with at(accepted_at):
                turnos.turno_give_back(
                    turno_id=turno.pk, user=worker, reason="No es competencia de esta secretaría."
                )
            moment = accepted_at
            rerouted_at = later(1)
            if rerouted_at is None or rng.random() < 0.3:
                return
            secretaria = rng.choice([s for s in self.secretarias if s != secretaria])
            with at(rerouted_at):
                turno = turnos.turno_reroute(
                    turno_id=turno.pk,
                    user=self.turnador,
                    route=turnos.Route(secretaria=secretaria, instruccion="Le corresponde."),
                )
            worker = self.staff[secretaria.pk]
            moment = rerouted_at
            accepted_at = later(1)
            if accepted_at is None:
                return
        with at(accepted_at):
            turnos.turno_accept(turno_id=turno.pk, user=worker)
        moment = accepted_at
        if secretaria.siglas == "SOP" and rng.random() < 0.5:
            with at(accepted_at):
                tarea = turnos.tarea_assign(
                    turno_id=turno.pk,
                    user=worker,
                    assignee=self.operativo,
                    descripcion="Inspección en sitio y dictamen técnico.",
                    due_date=calendar.add_business_days(accepted_at.date(), 3),
                )
            done_at = later(2)
            if done_at is not None:
                with at(done_at):
                    turnos.tarea_progress(
                        tarea_id=tarea.pk,
                        user=self.operativo,
                        texto="Inspección realizada; dictamen anexo al expediente.",
                        state=TareaState.TERMINADA,
                    )
        if rng.random() < 0.08:
            prevented_at = later(1)
            if prevented_at is None:
                return
            with at(prevented_at):
                turnos.turno_prevent(
                    turno_id=turno.pk,
                    user=worker,
                    texto="Anexe copia de su identificación y el croquis de ubicación.",
                )
            moment = prevented_at
            answered_at = later(rng.randint(1, 6))
            if answered_at is None or rng.random() < 0.15:
                return
            with at(answered_at):
                turnos.prevencion_answer(
                    escrito_id=escrito.pk, texto="Anexo lo solicitado.", files=[]
                )
            moment = answered_at
        turno.refresh_from_db()
        if rng.random() < 0.07:
            return  # never answered: overdue in the bandeja, escalated by the reminders
        term = turno.term_days or 10
        answered_at = later(max(1, int(rng.triangular(1, term * 1.3, term * 0.6))))
        if answered_at is None or turno.state not in (TurnoState.ACEPTADO, TurnoState.EN_ATENCION):
            return
        sense = rng.choices(*SENSES)[0]
        with at(answered_at):
            turnos.turno_answer(turno_id=turno.pk, user=worker, texto=ANSWERS[sense], sense=sense)
        moment = answered_at
        rated_at = later(rng.randint(1, 5))
        if rated_at is not None and rng.random() < 0.4:
            with at(rated_at):
                turnos.escrito_rate(
                    escrito_id=escrito.pk,
                    score=rng.choices([5, 4, 3, 2, 1], weights=[35, 30, 15, 10, 10])[0],
                    comentario="",
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
