"""Several nodes behind one address, proven under load and faults.

Starts two gunicorn nodes on two ports, two Celery workers and one beat over one PostgreSQL
database, one Redis (its own redis-server) and one S3-compatible store (weed), all on loopback;
drives mixed traffic at both nodes (filings with attachments, double submits split across the
nodes with the same form token, lookups on one node and downloads on the other, staff routing
and answers with a session opened on the other node); optionally kills and stops things in the
middle; then checks what must hold and prints a table.

The caller has Django set up on the same database and on the same object store (it seeds the
data, sweeps and checks through the ORM): bench/nodos.py for the full run, and
tests/multinodo/test_nodos.py for a short one in the services suite.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests

from tests.almacen_s3 import WeedServer, free_port

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "Nodos-prueba-2026"
STATIC_SAMPLE = "app.css"
FOLIO_RE = re.compile(r"OP-\d{4}-\d{6}")
CODE_RE = re.compile(r'data-testid="codigo">([^<]+)<')
TOKEN_RE = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
MESSAGE_ERROR_RE = re.compile(r'class="msg msg--error">([^<]+)<')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pdf(text: str) -> bytes:
    from tests.factories import pdf_bytes

    return pdf_bytes(1, text)


class RedisServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        import redis

        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


class Proc:
    """A child process in a session of its own, so a kill takes its children too."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path, ready=None):
        self.name, self.argv, self.env, self.log, self.ready = name, argv, env, log, ready
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "Proc":
        return self.launch().wait_ready(timeout)

    def launch(self) -> "Proc":
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=self.log.open("a"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def wait_ready(self, timeout: float = 90) -> "Proc":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            if self.ready is None or self.ready():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(group, 0)  # any process of the group (gunicorn's workers) still there?
            except ProcessLookupError:
                return
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Cluster:
    database_url: str
    folder: Path
    weed: WeedServer
    redis: RedisServer
    s3_prefix: str = ""
    web_workers: int = 1
    threads: int = 4
    nodes: list[Proc] = field(default_factory=list)
    workers: list[Proc] = field(default_factory=list)
    beat: Proc | None = None
    ports: list[int] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.multinodo.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "nodos-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url(0),
            "CELERY_BROKER_URL": self.redis.url(1),
            "OFICIALIA_PUBLIC_URL": "http://127.0.0.1",
            "OFICIALIA_VAR_DIR": str(self.folder / "var"),
            "OFICIALIA_MEDIA_ROOT": str(self.folder / "no-usar"),
            "OFICIALIA_RATE_FILING": "1000000/h",
            "OFICIALIA_RATE_CONSULTA": "1000000/m",
            "OFICIALIA_RATE_CONSULTA_HORA": "1000000/h",
            # Staff sign in with a password only here (an empty value means the default).
            "OFICIALIA_2FA_ROLES": "contraloria",
            "OFICIALIA_RESPUESTA_SIN_FIRMA": "1",
            "OFICIALIA_HORARIO": "00:00-23:59",
            "OFICIALIA_RELE_SEGUNDOS": "3",
            "OFICIALIA_REENCOLAR_SEGUNDOS": "8",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "texto",
            "WEB_CONCURRENCY": str(self.web_workers),
            "GUNICORN_THREADS": str(self.threads),
            **self.weed.env(prefix=self.s3_prefix),
        }
        for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST"):
            env.pop(name, None)
        return env

    def url(self, node: int) -> str:
        return f"http://127.0.0.1:{self.ports[node]}"

    def _node(self, index: int) -> Proc:
        port = self.ports[index]

        def ready() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/salud/vivo", timeout=1).ok
            except requests.RequestException:
                return False

        return Proc(
            f"web{index}",
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "config.wsgi:application"],
            self.env(), self.folder / f"web{index}.log", ready,
        )

    def _worker(self, index: int) -> Proc:
        log = self.folder / f"worker{index}.log"
        return Proc(
            f"worker{index}",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle",
             f"--hostname=nodos{index}-{uuid.uuid4().hex[:6]}@%h"],
            self.env(), log, lambda: log.exists() and "ready." in log.read_text(),
        )

    def start(self) -> "Cluster":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ports = [free_port(), free_port()]
        self.nodes = [self._node(0).launch(), self._node(1).launch()]
        self.workers = [self._worker(0).launch(), self._worker(1).launch()]
        self.beat = Proc(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
             "--schedule", str(self.folder / "beat-schedule")],
            self.env(), self.folder / "beat.log",
        ).launch()
        for proc in [*self.nodes, *self.workers, self.beat]:
            proc.wait_ready()
        return self

    def restart_node(self, index: int) -> None:
        self.nodes[index] = self._node(index).start()

    def restart_worker(self, index: int) -> None:
        self.workers[index] = self._worker(index).start()

    def stop(self) -> None:
        for proc in [*self.nodes, *self.workers, *([self.beat] if self.beat else [])]:
            proc.stop()


@dataclass
class Tally:
    requests: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    filings: dict = field(default_factory=dict)  # marker -> (token, folio or None)
    doubles: list = field(default_factory=list)  # (marker, location A, location B)
    given_up: list = field(default_factory=list)
    checks: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str) -> None:
        with self.lock:
            self.requests[kind] += 1

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


def _kind(response: requests.Response | None, exc: Exception | None) -> str:
    if exc is not None:
        return "conexión" if isinstance(exc, requests.ConnectionError) else type(exc).__name__
    if response.status_code == 503 and "intente de nuevo" in response.text:
        return "503 intente de nuevo"
    return f"HTTP {response.status_code}"


class Citizen:
    def __init__(self, cluster: Cluster, tally: Tally, give_up_after: float):
        self.cluster, self.tally, self.give_up_after = cluster, tally, give_up_after
        self.session = requests.Session()

    def _form(self, node: int) -> tuple[str, str]:
        page = self.session.get(f"{self.cluster.url(node)}/escritos/nuevo/", timeout=30)
        page.raise_for_status()
        return CSRF_RE.search(page.text).group(1), TOKEN_RE.search(page.text).group(1)

    def _post(self, node: int, data: dict, files: list) -> requests.Response:
        return self.session.post(
            f"{self.cluster.url(node)}/escritos/nuevo/",
            data=data,
            files=[("adjuntos", (name, content, "application/pdf")) for name, content in files],
            allow_redirects=False,
            timeout=60,
        )

    def _data(self, csrf: str, token: str, marker: str) -> dict:
        from tests.factories import escrito_form_data

        return {**escrito_form_data(asunto=f"Carga {marker}", submission_token=token),
                "csrfmiddlewaretoken": csrf}

    def file(self, marker: str, node: int, *, attachment: bool) -> None:
        """File once; on a dead node or a 503, send the same form again (same token) to the
        other node, as a load balancer and a patient citizen would, until it is taken."""
        started = time.monotonic()
        token = None
        files = [(f"{marker}.pdf", _pdf(marker))] if attachment else []
        while time.monotonic() - started < self.give_up_after:
            response = exc = None
            try:
                if token is None:
                    csrf, token = self._form(node)
                    data = self._data(csrf, token, marker)
                    with self.tally.lock:
                        self.tally.filings[marker] = (token, None)
                self.tally.count("presentar")
                response = self._post(node, data, files)
                location = response.headers.get("Location", "")
                if response.status_code == 302 and "/escritos/recibido/" in location:
                    receipt = self.session.get(
                        self.cluster.url(1 - node) + location, timeout=30
                    )
                    self.tally.count("recibo (otro nodo)")
                    folio = FOLIO_RE.search(receipt.text).group(0)
                    code = CODE_RE.search(receipt.text).group(1)
                    with self.tally.lock:
                        self.tally.filings[marker] = (token, folio, code)
                    return
            except Exception as error:  # a node killed mid-request, a reset
                exc = error
            self.tally.error(_kind(response, exc))
            node = 1 - node
            time.sleep(1.0)
        with self.tally.lock:
            self.tally.given_up.append(marker)

    def double_submit(self, marker: str) -> None:
        """The same form sent twice at once, one copy to each node."""
        try:
            csrf, token = self._form(0)
        except Exception as exc:
            self.tally.error(_kind(None, exc))
            return
        data = self._data(csrf, token, marker)
        files = [(f"{marker}.pdf", _pdf(marker))]
        with self.tally.lock:
            self.tally.filings[marker] = (token, None)
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda n: self._safe_post(n, data, files), (0, 1)))
        self.tally.count("doble envío")
        self.tally.count("doble envío")
        locations = [a.headers.get("Location") if a is not None else None for a in answers]
        with self.tally.lock:
            self.tally.doubles.append((marker, token, *locations))
            if any(locations):
                self.tally.filings[marker] = (token, "doble")

    def _safe_post(self, node, data, files):
        try:
            response = self._post(node, data, files)
            if response.status_code != 302:
                self.tally.error(_kind(response, None))
            return response
        except Exception as exc:
            self.tally.error(_kind(None, exc))
            return None

    def lookup(self, folio: str, code: str, node: int) -> None:
        """Look it up on one node; download the acuse on the other with the same session."""
        try:
            page = self.session.get(f"{self.cluster.url(node)}/consulta/", timeout=30)
            csrf = CSRF_RE.search(page.text).group(1)
            self.tally.count("consulta")
            answer = self.session.post(
                f"{self.cluster.url(node)}/consulta/",
                data={"folio": folio, "codigo": code, "csrfmiddlewaretoken": csrf},
                timeout=30,
            )
            if answer.status_code != 200 or folio not in answer.text:
                self.tally.error(_kind(answer, None))
                return
            self.tally.count("descarga de acuse")
            pdf = self.session.get(f"{self.cluster.url(1 - node)}/consulta/{folio}/acuse.pdf",
                                   timeout=60)
            if pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"):
                with self.tally.lock:
                    self.tally.checks["acuse descargado en el otro nodo"] += 1
            else:
                self.tally.error(_kind(pdf, None))
        except Exception as exc:
            self.tally.error(_kind(None, exc))


class Staff:
    """The turnador routes and the titular answers; each signs in on one node and acts on
    the other (the session lives in the database, the rate limits in Redis)."""

    def __init__(self, cluster: Cluster, tally: Tally, username: str):
        self.cluster, self.tally = cluster, tally
        self.session = requests.Session()
        self.username = username
        self.signed_in = False

    def sign_in(self, node: int) -> bool:
        try:
            page = self.session.get(f"{self.cluster.url(node)}/cuenta/entrar/", timeout=30)
            csrf = CSRF_RE.search(page.text).group(1)
            answer = self.session.post(
                f"{self.cluster.url(node)}/cuenta/entrar/",
                data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
                allow_redirects=False, timeout=30,
            )
            self.tally.count("entrar (personal)")
            self.signed_in = answer.status_code == 302
            if not self.signed_in:
                self.tally.error(_kind(answer, None))
        except Exception as exc:
            self.tally.error(_kind(None, exc))
        return self.signed_in

    def post(self, node: int, path: str, data: dict, files=None, kind: str = "") -> bool:
        try:
            csrf = self.session.cookies.get("csrftoken")
            self.tally.count(kind)
            answer = self.session.post(
                f"{self.cluster.url(node)}{path}", data={**data, "csrfmiddlewaretoken": csrf},
                files=files, allow_redirects=False, timeout=60,
            )
            if answer.status_code == 302:
                if "/cuenta/" in answer.headers["Location"]:
                    self.tally.error(f"{kind}: sesión no reconocida")
                    return False
                # Actions answer with a redirect either way; a refusal is a message there.
                after = self.session.get(
                    f"{self.cluster.url(1 - node)}{answer.headers['Location']}", timeout=30
                )
                refused = MESSAGE_ERROR_RE.search(after.text)
                if refused is None:
                    return True
                self.tally.error(f"{kind} rechazado: {refused.group(1)[:80]}")
                return False
            self.tally.error(_kind(answer, None))
        except Exception as exc:
            self.tally.error(_kind(None, exc))
        return False


def seed() -> dict:
    """A secretaría with its trámite, the turnador and the titular (through the ORM)."""
    from correspondencia.models import Secretaria
    from oficialia.roles import Role
    from tests.factories import SecretariaFactory, UserFactory
    from turnos.models import Perfil

    obras = Secretaria.objects.filter(nombre="Obras Públicas").first() or SecretariaFactory(
        nombre="Obras Públicas"
    )
    people = {}
    for username, role, secretaria in (
        ("nodos.turnador", Role.OFICIALIA, None),
        ("nodos.titular", Role.TITULAR, obras),
    ):
        user = UserFactory(username=username, first_name=username, roles=[role])
        user.set_password(PASSWORD)
        user.save()
        if secretaria is not None:
            Perfil.objects.create(user=user, secretaria=secretaria)
        people[username] = user
    return {"obras": obras, **people}


def route_and_answer(cluster: Cluster, tally: Tally, obras, stop: threading.Event) -> None:
    """While the citizens file, route every fourth escrito and answer it."""
    from django.db import connection

    try:
        _route_and_answer(cluster, tally, obras, stop)
    finally:
        connection.close()  # this thread's own connection


def _route_and_answer(cluster: Cluster, tally: Tally, obras, stop: threading.Event) -> None:
    from turnos.models import Turno

    turnador = Staff(cluster, tally, "nodos.turnador")
    titular = Staff(cluster, tally, "nodos.titular")
    while not (turnador.sign_in(0) and titular.sign_in(1)):
        if stop.wait(1):
            return
    done: set[str] = set()
    i = 0
    while not stop.wait(0.5):
        with tally.lock:
            filed = [v[1] for v in tally.filings.values() if len(v) == 3]
        folios = [f for f in filed[::4] if f not in done]
        if not folios:
            continue
        folio = folios[0]
        done.add(folio)
        i += 1
        node = i % 2
        data = {
            "ruta-TOTAL_FORMS": "1", "ruta-INITIAL_FORMS": "0", "ruta-MIN_NUM_FORMS": "0",
            "ruta-MAX_NUM_FORMS": "8", "ruta-0-secretaria": obras.pk, "ruta-0-kind": "atencion",
            "ruta-0-instruccion": "Atender y responder",
        }
        if not turnador.post(node, f"/oficialia/escritos/{folio}/", data, kind="turnar"):
            continue
        turno = Turno.objects.filter(escrito__folio=folio).first()
        if turno is None:
            tally.error("turno no creado")
            continue
        path = f"/turnos/{turno.pk}/"
        if not titular.post(1 - node, f"{path}aceptar/", {}, kind="aceptar"):
            continue
        titular.post(
            node, f"{path}responder/",
            {"respuesta-texto": f"Respuesta a {folio}", "respuesta-sense": "positiva"},
            files=[("respuesta-oficio", (f"oficio-{folio}.pdf", _pdf(folio), "application/pdf"))],
            kind="responder",
        )


@dataclass
class Plan:
    seconds: float = 20
    citizens: int = 4
    outage: float = 30
    faults: bool = False


def drive(cluster: Cluster, plan: Plan, log=print) -> Tally:
    """Mixed traffic at both nodes for `plan.seconds`; with faults, each fault in turn while
    the traffic goes on. Then the staff route and answer a share of what was filed."""
    people = seed()
    tally = Tally()
    stop = threading.Event()
    counter = iter(range(1, 10**9))
    counter_lock = threading.Lock()

    def next_marker() -> str:
        with counter_lock:
            return f"n{next(counter):05d}-{uuid.uuid4().hex[:6]}"

    def citizen_loop(index: int) -> None:
        citizen = Citizen(cluster, tally, give_up_after=plan.outage * 3 + 60)
        step = 0
        while not stop.is_set():
            step += 1
            marker = next_marker()
            if step % 5 == 0:
                citizen.double_submit(marker)
            else:
                citizen.file(marker, (index + step) % 2, attachment=step % 2 == 1)
            with tally.lock:
                done = [v for v in tally.filings.values() if len(v) == 3]
            if done and step % 3 == 0:
                _, folio, code = done[(index * 7 + step) % len(done)]
                citizen.lookup(folio, code, step % 2)

    with ThreadPoolExecutor(plan.citizens + 1) as pool:
        futures = [pool.submit(citizen_loop, i) for i in range(plan.citizens)]
        futures.append(pool.submit(route_and_answer, cluster, tally, people["obras"], stop))
        time.sleep(min(plan.seconds, 5))
        if plan.faults:
            _faults(cluster, plan, log)
        remaining = plan.seconds - min(plan.seconds, 5)
        time.sleep(max(remaining, 0))
        stop.set()
        for future in futures:
            future.result()
    return tally


def _faults(cluster: Cluster, plan: Plan, log) -> None:
    from correspondencia.models import Acuse

    log("falla: se mata (SIGKILL) el nodo web 1 con peticiones en curso")
    cluster.nodes[1].kill()
    time.sleep(3)
    cluster.restart_node(1)
    log("falla: el nodo web 1 volvió")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Acuse.objects.filter(generated_at__isnull=True).exists():
            break
        time.sleep(0.05)
    log("falla: se mata (SIGKILL) el worker 0 con acuses por hacer")
    cluster.workers[0].kill()
    time.sleep(2)
    cluster.restart_worker(0)
    log("falla: el worker 0 volvió")

    log(f"falla: Redis detenido {plan.outage:.0f} s")
    cluster.redis.stop()
    time.sleep(plan.outage)
    cluster.redis.start()
    log("falla: Redis volvió")

    log(f"falla: almacén de objetos detenido {plan.outage:.0f} s")
    cluster.weed.stop()
    time.sleep(plan.outage)
    cluster.weed.start()
    log("falla: almacén de objetos volvió")


@dataclass
class Verdict:
    escritos: int
    folio_gaps: list[int]
    folio_repeats: int
    lost: list[str]
    duplicated: list[str]
    doubles_ok: int
    doubles_bad: list[str]
    doubles_refused: int
    acuses_missing: list[str]
    acuse_files_extra: int
    downloads_bad: list[str]
    orphans_swept: int
    files_missing: list[str]
    answered: int

    @property
    def ok(self) -> bool:
        return not (self.folio_gaps or self.folio_repeats or self.lost or self.duplicated
                    or self.doubles_bad or self.acuses_missing or self.acuse_files_extra
                    or self.downloads_bad or self.files_missing)


def settle_and_verify(cluster: Cluster, tally: Tally, *, wait: float = 180) -> Verdict:
    """Wait for every acuse, sweep what dead processes left, then check every promise."""
    from django.core.files.storage import default_storage

    from correspondencia.models import Acuse, Adjunto, Escrito
    from oficialia.almacen import walk
    from oficialia.archivos import stored_file_fields, sweep_orphans
    from turnos.models import Respuesta

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not Acuse.objects.filter(generated_at__isnull=True).exists():
            break
        time.sleep(1)

    rows = list(Escrito.objects.values_list("number", "folio", "asunto", "submission_token"))
    numbers = sorted(r[0] for r in rows)
    gaps = sorted(set(range(1, (numbers[-1] if numbers else 0) + 1)) - set(numbers))
    by_marker = Counter(r[2].removeprefix("Carga ") for r in rows)
    lost = [m for m, v in tally.filings.items() if (len(v) == 3 or v[1] == "doble")
            and by_marker[m] == 0] + tally.given_up
    duplicated = [m for m, n in by_marker.items() if n > 1]
    doubles_bad, doubles_ok, doubles_refused = [], 0, 0
    for marker, _token, first, second in tally.doubles:
        taken = [loc for loc in (first, second) if loc]
        if not taken and by_marker[marker] == 0:
            doubles_refused += 1  # both copies answered 503 or died: nothing was stored
        elif by_marker[marker] == 1 and len(set(taken)) <= 1:
            doubles_ok += 1
        else:
            doubles_bad.append(marker)
    acuses_missing = [
        f for f in Escrito.objects.filter(acuse__generated_at__isnull=True).values_list("folio",
                                                                                       flat=True)
    ] + list(Escrito.objects.filter(acuse__isnull=True).values_list("folio", flat=True))

    swept = sweep_orphans(older_than=timedelta(0))
    named = set()
    for _folder, owners in stored_file_fields().items():
        for model, field_name in owners:
            named |= set(model._default_manager.exclude(**{field_name: ""})
                         .values_list(field_name, flat=True))
    stored = set(walk(""))
    files_missing = sorted(named - stored)
    acuse_files = [n for n in stored if n.startswith("acuses/")]
    extra = len(acuse_files) - Acuse.objects.exclude(pdf="").count() - _other_acuse_files()

    static = [requests.get(f"{cluster.url(n)}/static/css/{STATIC_SAMPLE}", timeout=30)
              for n in (0, 1)]
    if all(r.status_code == 200 for r in static) and static[0].content == static[1].content:
        tally.checks["estáticos idénticos en ambos nodos"] += 1
    else:
        tally.error("estáticos distintos entre nodos")

    downloads_bad = []
    for folio, token in Escrito.objects.values_list("folio", "submission_token")[:40]:
        for node in (0, 1):
            try:
                pdf = requests.get(f"{cluster.url(node)}/escritos/recibido/{token}/acuse.pdf",
                                   timeout=60)
                if not pdf.content.startswith(b"%PDF-"):
                    downloads_bad.append(f"{folio}@{node}: {pdf.status_code}")
            except requests.RequestException as exc:
                downloads_bad.append(f"{folio}@{node}: {type(exc).__name__}")
    del default_storage, Adjunto
    return Verdict(
        escritos=len(rows), folio_gaps=gaps, folio_repeats=len(numbers) - len(set(numbers)),
        lost=lost, duplicated=duplicated, doubles_ok=doubles_ok, doubles_bad=doubles_bad,
        doubles_refused=doubles_refused,
        acuses_missing=acuses_missing, acuse_files_extra=max(extra, 0),
        downloads_bad=downloads_bad, orphans_swept=swept, files_missing=files_missing,
        answered=Respuesta.objects.count(),
    )


def _other_acuse_files() -> int:
    """Files under acuses/ that are not the escritos' acuses (the answers' notifications)."""
    from django.apps import apps

    count = 0
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if (getattr(f, "upload_to", None) == "acuses/" and model._meta.label
                    != "correspondencia.Acuse"):
                count += model._default_manager.exclude(**{f.name: ""}).count()
    return count


def table(tally: Tally, verdict: Verdict) -> str:
    lines = ["", "| qué | cuántos |", "| --- | --- |"]
    for kind, n in sorted(tally.requests.items()):
        lines.append(f"| peticiones: {kind} | {n} |")
    lines.append(f"| peticiones en total | {sum(tally.requests.values())} |")
    for kind, n in sorted(tally.errors.items()):
        lines.append(f"| errores: {kind} | {n} |")
    if not tally.errors:
        lines.append("| errores | 0 |")
    for check, n in sorted(tally.checks.items()):
        lines.append(f"| {check} | {n} |")
    lines += [
        f"| escritos radicados | {verdict.escritos} |",
        f"| folios repetidos | {verdict.folio_repeats} |",
        f"| huecos en los folios | {len(verdict.folio_gaps)} |",
        f"| dobles envíos con un solo escrito | {verdict.doubles_ok} de {len(tally.doubles)} |",
        f"| dobles envíos rechazados enteros (nada guardado) | {verdict.doubles_refused} |",
        f"| perdidos | {len(verdict.lost)} |",
        f"| duplicados | {len(verdict.duplicated) + len(verdict.doubles_bad)} |",
        f"| escritos sin acuse | {len(verdict.acuses_missing)} |",
        f"| acuses de más en el almacén | {verdict.acuse_files_extra} |",
        f"| acuses que no bajan de algún nodo | {len(verdict.downloads_bad)} |",
        f"| respuestas con oficio | {verdict.answered} |",
        f"| archivos huérfanos barridos al final | {verdict.orphans_swept} |",
        f"| archivos que faltan | {len(verdict.files_missing)} |",
        f"| resultado | {'BIEN' if verdict.ok else 'MAL'} |",
    ]
    return "\n".join(lines)
