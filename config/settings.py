"""Settings, read from the environment.

Nothing set means the embedded default that runs on a bare checkout: SQLite, tasks run
in-process, mail printed on the console. Setting DATABASE_URL, CELERY_BROKER_URL and
REDIS_URL gives the production shape (PostgreSQL, Redis, a Celery worker and beat).
Every variable is listed in `.env.example`.
"""

import hashlib
import os
from datetime import time, timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    # An empty value counts as unset, as it does for the other parsers.
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "si", "sí"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("DJANGO_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required in production")
    SECRET_KEY = "insecure-demo-key-set-DJANGO_SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# The address printed on acuses (QR code, verification link) and in email links. It is on
# paper for years. `make run ADDR=host:port` sets it to that address.
PUBLIC_BASE_URL = env_str("OFICIALIA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# How long the link that confirms adding an escrito to an account (sent to the escrito's
# email) stays valid.
LINK_CONFIRMATION_HOURS = env_int("OFICIALIA_VINCULO_HORAS", 48)
# When the archival retention of an escrito ends (after it, the personal data that an ARCO
# cancellation blocked may be suppressed): a dotted path to a function escrito -> date | None,
# so the archive's catálogo de disposición documental can answer. The default counts
# OFICIALIA_CONSERVACION_ANOS from the escrito's closing; 0 (the default) means the catálogo
# has not been configured and nothing is ever suppressed.
ARCHIVAL_RETENTION_ENDS = env_str(
    "OFICIALIA_FIN_CONSERVACION", "archivo.vigencia.retention_ends"
)
ARCHIVAL_RETENTION_YEARS = env_int("OFICIALIA_CONSERVACION_ANOS", 0)
# Retention of addresses (LGPDPPSO: data kept only as long as its purpose needs). The
# bitácora keeps each client address only as an HMAC-SHA256 keyed with BITACORA_IP_KEY
# (contraloría still sees that two entries share an address); BITACORA_IP_RETENTION_DAYS > 0
# keeps the address itself that many days apart from the chain. Failed sign-in records
# (django-axes) are deleted after LOGIN_RECORDS_RETENTION_DAYS.
BITACORA_IP_KEY = (
    env_str("OFICIALIA_BITACORA_IP_CLAVE")
    or hashlib.sha256(f"bitacora-ip:{SECRET_KEY}".encode()).hexdigest()
)
BITACORA_IP_RETENTION_DAYS = env_int("OFICIALIA_BITACORA_IP_DIAS", 0)
LOGIN_RECORDS_RETENTION_DAYS = env_int("OFICIALIA_INTENTOS_RETENCION_DIAS", 90)
# ARCO requests (LGPDPPSO, DOF 20/03/2025), in business days: the answer, its one extension,
# carrying out a procedente answer, and how early the Unidad de Transparencia is reminded.
ARCO_ANSWER_BUSINESS_DAYS = env_int("OFICIALIA_ARCO_RESPUESTA_DIAS", 20)
ARCO_EXTENSION_BUSINESS_DAYS = env_int("OFICIALIA_ARCO_AMPLIACION_DIAS", 10)
ARCO_EXECUTION_BUSINESS_DAYS = env_int("OFICIALIA_ARCO_EFECTIVIDAD_DIAS", 15)
ARCO_REMINDER_BUSINESS_DAYS = env_int("OFICIALIA_ARCO_RECORDATORIO_DIAS", 3)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram and full-text lookups of the staff search (busqueda); inert on SQLite.
    "django.contrib.postgres",
    "simple_history",
    "oficialia",
    "demo",
    "firmas",
    "correspondencia",
    "turnos",
    "oficios",
    "notificaciones",
    "transparencia",
    "fila",
    "contraloria",
    "cuentas",
    "portal",
    "archivo",
    "interoperabilidad",
    "busqueda",
    "ninja",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "oficialia.registro.RequestIdMiddleware",
    "oficialia.metricas.MetricsMiddleware",
    "oficialia.entrada.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oficialia.segundo_factor.SecondFactorMiddleware",
    "oficialia.entrada.HostileInputMiddleware",
    "oficialia.bitacora.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "interoperabilidad.middleware.ApiBitacoraMiddleware",
    "oficialia.almacen.StorageOutageMiddleware",
    "csp.middleware.CSPMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (oficialia/intentos.py): a pair (account, address) is locked after
# AXES_FAILURE_LIMIT failures; the account from any address after LOGIN_ACCOUNT_FAILURE_LIMIT;
# an address alone (many accounts behind one city-hall proxy) only after the far higher
# LOGIN_ADDRESS_FAILURE_LIMIT. Failures count over AXES_COOLOFF_TIME, and the lock lasts that
# long after the last one. Every failed attempt is kept (AccessAttempt, AccessFailureLog).
AXES_FAILURE_LIMIT = env_int("OFICIALIA_LOGIN_INTENTOS", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("OFICIALIA_LOGIN_INTENTOS_CUENTA", 20)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("OFICIALIA_LOGIN_INTENTOS_DIRECCION", 100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OFICIALIA_LOGIN_BLOQUEO_MIN", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "oficialia.intentos.PerAccountHandler"
AXES_LOCKOUT_CALLABLE = "oficialia.intentos.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "oficialia.net.client_ip"
AXES_USERNAME_CALLABLE = "oficialia.entrada.attempted_username"
AXES_LOCKOUT_TEMPLATE = "registration/bloqueado.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.oficialia",
            ],
        },
    },
]

VAR_DIR = Path(env_str("OFICIALIA_VAR_DIR", str(BASE_DIR / "var")))

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oficialia.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A PostgreSQL streaming replica (hot standby) of the same database: the statistics page, the
# open data, the contraloría's reports and the staff search read from it (oficialia/replica.py),
# unless it is more than OFICIALIA_REPLICA_MAX_LAG seconds behind; everything else, the primary.
REPLICA_MAX_LAG = env_int("OFICIALIA_REPLICA_MAX_LAG", 30)
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["oficialia.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together. A
    # transaction that reads and then writes must take the write lock when it begins
    # (IMMEDIATE): one begun DEFERRED that meets another writer when it first writes gets
    # "database is locked" at once, without waiting out the timeout (SQLite's deadlock rule).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # A file, not memory, so a Celery worker process started by a test can open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff second factor (TOTP, django-otp): the roles that must use it; empty, nobody is
# asked. Members of the group "sin_segundo_factor" (the demo users) are not asked.
SECOND_FACTOR_ROLES = env_list("OFICIALIA_2FA_ROLES", "titular,contraloria,administracion")
OTP_TOTP_ISSUER = env_str("OFICIALIA_INSTITUCION", "H. Ayuntamiento Municipal")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff_home"
LOGOUT_REDIRECT_URL = "inicio"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Fixed, not under VAR_DIR: collectstatic runs when the image is built.
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media-privada/"  # never served directly: every file goes through a view
MEDIA_ROOT = Path(env_str("OFICIALIA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Object storage: with OFICIALIA_S3_BUCKET every stored file (attachments, acuses, oficios,
# cédulas, exports, quejas' evidence) goes to an S3-compatible store that every web node and
# worker reads, instead of MEDIA_ROOT on one machine's disk. Objects are private and never
# overwritten; the product serves them through its own permission-checked views (a URL the
# storage signs expires after OFICIALIA_S3_URL_SEGUNDOS). Short timeouts: a store that does not
# answer makes a filing answer 503 "intente de nuevo" at once instead of hanging a thread.
S3_BUCKET = env_str("OFICIALIA_S3_BUCKET")
if S3_BUCKET:
    from botocore.config import Config as _BotoConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("OFICIALIA_S3_ENDPOINT") or None,
            "access_key": env_str("OFICIALIA_S3_ACCESS_KEY") or None,
            "secret_key": env_str("OFICIALIA_S3_SECRET_KEY") or None,
            "region_name": env_str("OFICIALIA_S3_REGION", "us-east-1"),
            "location": env_str("OFICIALIA_S3_PREFIJO"),
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("OFICIALIA_S3_URL_SEGUNDOS", 300),
            # Given a client_config, django-storages takes the addressing style and the
            # signature version from it alone.
            "client_config": _BotoConfig(
                s3={"addressing_style": env_str("OFICIALIA_S3_DIRECCIONAMIENTO", "path")},
                signature_version="s3v4",
                connect_timeout=env_int("OFICIALIA_S3_ESPERA_SEGUNDOS", 3),
                read_timeout=env_int("OFICIALIA_S3_ESPERA_SEGUNDOS", 3) * 4,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }

# Caches hold the rate-limit counters, so in production they must be shared by every
# gunicorn worker: Redis. When Redis stops answering, oficialia.cache.FailoverCache goes on
# with the database cache ("base": limits still shared and enforced) or with none
# ("abrir": limits fail open), and logs it. The in-memory default suits one `runserver`.
REDIS_URL = env_str("REDIS_URL")
LIMITS_WITHOUT_REDIS = env_str("OFICIALIA_LIMITES_SIN_REDIS", "base")
if LIMITS_WITHOUT_REDIS not in {"base", "abrir"}:
    raise ImproperlyConfigured(
        f"OFICIALIA_LIMITES_SIN_REDIS must be base or abrir, not {LIMITS_WITHOUT_REDIS!r}"
    )
CACHES = {
    # The table is made by migration oficialia 0011, on every database.
    "respaldo": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "oficialia_cache_respaldo",
        "KEY_PREFIX": "oficialia",
    },
    "abierta": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if REDIS_URL:
    CACHES["redis"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "oficialia",
        # A Redis that hangs must not hang the request: give up fast, use the fallback.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES["default"] = {
        "BACKEND": "oficialia.cache.FailoverCache",
        "OPTIONS": {
            "PRIMARY": "redis",
            "FALLBACK": "respaldo" if LIMITS_WITHOUT_REDIS == "base" else "abierta",
        },
    }
else:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
# django-ratelimit knows only the stock backends by name; the failover is atomic where its
# primary is (Redis) and where its fallback is (the database cache's add).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

RATELIMIT_VIEW = "oficialia.web.rate_limited"
# Behind a reverse proxy, REMOTE_ADDR is the proxy; name the META key of the header it
# appends the client's address to, e.g. HTTP_X_FORWARDED_FOR (see oficialia/net.py).
CLIENT_IP_HEADER = env_str("OFICIALIA_CLIENT_IP_HEADER")
RATELIMIT_IP_META_KEY = "oficialia.net.client_ip"
RATE_FILING = env_str("OFICIALIA_RATE_FILING", "30/h")
RATE_CONSULTA = env_str("OFICIALIA_RATE_CONSULTA", "10/m")
RATE_CONSULTA_HOURLY = env_str("OFICIALIA_RATE_CONSULTA_HORA", "60/h")
RATE_QUEJAS = env_str("OFICIALIA_RATE_QUEJAS", "10/h")

# Attachments: checked by content; the caps are per file and per escrito.
MAX_ATTACHMENT_BYTES = env_int("OFICIALIA_MAX_ADJUNTO_MB", 10) * 1024 * 1024
MAX_ESCRITO_BYTES = env_int("OFICIALIA_MAX_ESCRITO_MB", 30) * 1024 * 1024
MAX_ATTACHMENTS = env_int("OFICIALIA_MAX_ADJUNTOS", 10)
# A scanned letter page at 600 dpi is 34 megapixels; an image far larger is a
# decompression bomb (a few KB that unpack to gigabytes), refused before it is decoded.
MAX_IMAGE_PIXELS = env_int("OFICIALIA_MAX_IMAGEN_MEGAPIXELES", 40) * 1_000_000
# The largest request body taken at all: a whole escrito plus its form fields. A bigger one
# is answered 413 from its Content-Length, before a byte of it is read or written
# (oficialia.entrada.RequestSizeMiddleware); deploy/nginx.conf sets the same limit.
MAX_REQUEST_BYTES = MAX_ESCRITO_BYTES + 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The access code is kept as a keyed hash (for the lookup) and sealed with a key of its own
# (to print it again on a regenerated acuse). Rotating this key invalidates printed codes.
ACCESS_CODE_KEY = (
    env_str("OFICIALIA_ACCESS_CODE_KEY")
    or hashlib.sha256(f"access-code:{SECRET_KEY}".encode()).hexdigest()
)

# Mail. SMTP when EMAIL_HOST is set. Otherwise (the demo) every message is written to a file
# of its own in var/correos/, where the links it carries (an account's confirmation, a
# password reset) can be read instead of being lost among the server's log lines.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("OFICIALIA_CORREOS_DIR", str(VAR_DIR / "correos"))
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Oficialía de Partes <oficialia@ayuntamiento.gob.mx>"
)
INSTITUTION_NAME = env_str("OFICIALIA_INSTITUCION", "H. Ayuntamiento Municipal")
# The privacy notice (/privacidad/) names where the responsable and its Unidad de
# Transparencia are, and how to reach the latter for ARCO requests.
INSTITUTION_ADDRESS = env_str(
    "OFICIALIA_DOMICILIO", "Palacio Municipal, planta baja, colonia Centro"
)
TRANSPARENCY_EMAIL = env_str("OFICIALIA_TRANSPARENCIA_CORREO", "transparencia@ayuntamiento.gob.mx")

# One RFC 3161 Time Stamping Authority for all the product stamps: the bitácora's daily heads
# (oficialia.sello_tiempo) and the PAdES signatures of what it issues (oficialia.firma: with a
# TSA, B-LTA; without, B-B with the validation data embedded). Empty: heads go without a token
# and signatures without a trusted time. OFICIALIA_FIRMA_TSA_URL, _SEGUNDOS and _CA, the
# names the signatures used before, are read when the new ones are unset.
TSA_URL = env_str("OFICIALIA_TSA_URL") or env_str("OFICIALIA_FIRMA_TSA_URL")
TSA_TIMEOUT = env_int("OFICIALIA_TSA_TIMEOUT", env_int("OFICIALIA_FIRMA_TSA_SEGUNDOS", 10))
# The TSA's CA certificates (PEM), to check its timestamps and embed their chain.
TSA_CA = env_str("OFICIALIA_TSA_CA") or env_str("OFICIALIA_FIRMA_TSA_CA")
# e.firma (oficialia/firma.py, firmas/). The ayuntamiento signs every acuse it issues with the
# PKCS#12 below; unset, with a demonstration certificate kept in FIRMA_DEMO_DIR (README).
FIRMA_PKCS12 = env_str("OFICIALIA_FIRMA_PKCS12")
FIRMA_PKCS12_PASSWORD = env_str("OFICIALIA_FIRMA_PKCS12_CLAVE")
FIRMA_DEMO_DIR = VAR_DIR / "firma-demo"
# The SAT's certificates name no revocation service: the product asks this OCSP responder about
# the certificates of citizens' signatures (and reads the CRLs the administración loads).
FIRMA_OCSP_URL = env_str("OFICIALIA_FIRMA_OCSP_URL")
FIRMA_OCSP_TIMEOUT = env_int("OFICIALIA_FIRMA_OCSP_SEGUNDOS", 10)
# Whether a secretaría may send an answer the titular has not signed with their e.firma.
RESPUESTA_SIN_FIRMA = env_bool("OFICIALIA_RESPUESTA_SIN_FIRMA", False)
# NOM-151-SCFI-2016 constancias de conservación: the provider's class and its options (JSON).
NOM151_PROVEEDOR = env_str("OFICIALIA_NOM151_PROVEEDOR", "firmas.constancias.ProveedorLocal")
NOM151_OPCIONES = env_str("OFICIALIA_NOM151_OPCIONES", "{}")

# The response term when the trámite sets none, in business days: the state's procedure law
# fixes it (Article 8 of the Constitution only says "breve término").
DEFAULT_TERM_BUSINESS_DAYS = env_int("OFICIALIA_PLAZO_DIAS_HABILES", 10)
# The state's ceiling for any response term (a trámite's, or a due date fixed by hand), in
# business days. LFPA art. 17 caps the federal term at three months (about 60 business days);
# SCJN P./J. 6/2019 upheld fixed state terms such as Veracruz's 45 días hábiles.
MAX_TERM_BUSINESS_DAYS = env_int("OFICIALIA_PLAZO_MAXIMO_DIAS_HABILES", 60)
if not 1 <= DEFAULT_TERM_BUSINESS_DAYS <= MAX_TERM_BUSINESS_DAYS:
    raise ImproperlyConfigured(
        "OFICIALIA_PLAZO_DIAS_HABILES must be between 1 and OFICIALIA_PLAZO_MAXIMO_DIAS_HABILES"
    )
# Prevención (LFPA art. 17-A model): how many per turno ("por una sola vez"), the fraction of
# the term within which it may be made (3: the first third), the petitioner's business days to
# answer from its notification, and how many business days before that deadline they are
# reminded.
PREVENTION_MAX = env_int("OFICIALIA_PREVENCIONES_MAXIMO", 1)
PREVENTION_WINDOW_DIVISOR = env_int("OFICIALIA_PREVENCION_FRACCION_PLAZO", 3)
PREVENTION_ANSWER_DAYS = env_int("OFICIALIA_PREVENCION_PLAZO_DIAS_HABILES", 5)
PREVENTION_REMINDER_DAYS = env_int("OFICIALIA_PREVENCION_RECORDATORIO_DIAS_HABILES", 1)
# Prórroga: once per turno, before the term ends, at most this share of the original term
# (LFPA art. 31: "sin que dicha ampliación exceda en ningún caso de la mitad del plazo").
EXTENSION_MAX_PERCENT = env_int("OFICIALIA_PRORROGA_MAXIMO_PORCENTAJE", 50)
# Notification by estrados (a notice posted at the city hall and on its site) is allowed only
# where the state's procedure law provides it (LFPA art. 37 model: when the address is unknown
# or the person cannot be found). Off by default: electronic or personal notification.
NOTIFICATION_ESTRADOS = env_bool("OFICIALIA_NOTIFICACION_ESTRADOS", False)
# The Oficialía's own term to route what it received, in business days after the legal
# filing date.
ROUTING_TERM_BUSINESS_DAYS = env_int("OFICIALIA_PLAZO_TURNADO_DIAS_HABILES", 1)


def parse_hours(name: str, raw: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like 09:00-15:00, not {raw!r}") from exc
    if opens >= closes:
        raise ImproperlyConfigured(f"{name}: the office must open before it closes ({raw!r})")
    return opens, closes


# Non-working days by law, before any acuerdo (oficialia/calendario.py names the codes). The
# default is the list of LFPA art. 28; a state whose procedure law lists others sets its own.
NON_WORKING_DAYS_BASE = env_list(
    "OFICIALIA_DIAS_INHABILES_BASE",
    "1-ene,lunes1-feb,lunes3-mar,1-may,5-may,16-sep,lunes3-nov,transmision,25-dic",
)
# Office hours: an escrito received at or after closing, or on a non-working day, is presented
# the next business day.
OFFICE_HOURS = parse_hours("OFICIALIA_HORARIO", env_str("OFICIALIA_HORARIO", "09:00-15:00"))
# From this month on, administración is warned while next year has no published calendar.
CALENDAR_WARNING_MONTH = env_int("OFICIALIA_AVISO_CALENDARIO_MES", 10)

# The ventanilla asks before saving a capture with the same petitioner and subject as one
# received within this many hours (a paper escrito captured twice by mistake).
VENTANILLA_DUPLICADO_HORAS = env_int("OFICIALIA_DUPLICADO_HORAS", 8)

# Ley General de Archivos, art. 31: the list of each baja documental stays published at
# least this many years.
ARCHIVO_BAJA_PUBLICACION_ANIOS = env_int("OFICIALIA_BAJA_PUBLICACION_ANIOS", 7)

# Anti-coyotaje signals (contraloria/signals_selectors.py): what the contraloría's page flags.
# Ratios are percentages of a median (300 = three times it) so that they stay whole numbers.
SENAL_PERIODO_DIAS = env_int("OFICIALIA_SENAL_PERIODO_DIAS", 90)
SENAL_CONTACTO_PETICIONARIOS = env_int("OFICIALIA_SENAL_CONTACTO_PETICIONARIOS", 5)
SENAL_CONTACTO_DIAS = env_int("OFICIALIA_SENAL_CONTACTO_DIAS", 30)
SENAL_CAPTURAS_PCT = env_int("OFICIALIA_SENAL_CAPTURAS_PCT", 300)
SENAL_CAPTURAS_MINIMO = env_int("OFICIALIA_SENAL_CAPTURAS_MINIMO", 20)
SENAL_RESPUESTA_RAPIDA_PCT = env_int("OFICIALIA_SENAL_RESPUESTA_RAPIDA_PCT", 20)
SENAL_RESPUESTA_LENTA_PCT = env_int("OFICIALIA_SENAL_RESPUESTA_LENTA_PCT", 300)
SENAL_RESPUESTA_MUESTRA = env_int("OFICIALIA_SENAL_RESPUESTA_MUESTRA", 10)

# Celery. No broker configured means tasks run in-process at commit time (the demo);
# with a broker they go to the worker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# With late acks a task a crashed worker held is redelivered after the visibility timeout
# (one hour by default). Ten minutes is well above the longest task (a PDF takes seconds)
# and above the longest retry countdown (RETRY_BACKOFF_MAX), so nothing runs twice early.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
}
# A filing must not hang when the broker is down: try briefly, then leave the work to the relay.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The outbox (acuses, petitioner notices, staff notices, citizen-account emails, the search
# index): what the broker never got, or a killed worker dropped, is queued again by a relay every
# OUTBOX_RELAY_SECONDS once it has waited OUTBOX_REQUEUE_SECONDS: redone within 90 s by
# default, once (every task is idempotent). The requeue wait is far above the time a task
# takes (a PDF: seconds).
OUTBOX_RELAY_SECONDS = env_int("OFICIALIA_RELE_SEGUNDOS", 30)
OUTBOX_REQUEUE_SECONDS = env_int("OFICIALIA_REENCOLAR_SEGUNDOS", 60)
CELERY_BEAT_SCHEDULE = {
    "relay-pending-acuses": {
        "task": "correspondencia.tasks.relay_pending_acuses",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "relay-petitioner-notices": {
        "task": "cuentas.tasks.relay_petitioner_notices",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "relay-staff-notifications": {
        "task": "oficialia.tasks.relay_staff_notifications",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "relay-account-emails": {
        "task": "cuentas.tasks.relay_account_emails",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "relay-pending-index": {
        "task": "busqueda.indice.relay_pending_index",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "sweep-orphan-files": {
        "task": "correspondencia.tasks.sweep_orphan_files",
        "schedule": 6 * 60 * 60.0,
    },
    # /transparencia/ within a minute of any change: consume the Transicion log every 30 s
    # (the page also catches up by itself when this has not run). A run left in the queue
    # longer than its interval is dropped: the next one does its work.
    "refresh-transparencia": {
        "task": "transparencia.tasks.refresh_statistics",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Reminders are found each morning from the due dates in the database, never held as
    # countdowns in the broker. CELERY_TIMEZONE makes 08:00 Mexico City time.
    "publish-bitacora-head": {
        "task": "oficialia.tasks.publish_bitacora_head",
        "schedule": crontab(hour=0, minute=5),
    },
    "relay-webhooks": {
        "task": "interoperabilidad.webhooks.relay_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "read-mailbox": {
        "task": "interoperabilidad.correo.read_mailbox",
        "schedule": float(env_int("OFICIALIA_IMAP_CADA_S", 120)),
        "options": {"expires": 100},
    },
    "warn-missing-calendar": {
        "task": "oficialia.tasks.warn_missing_calendar",
        "schedule": crontab(hour=7, minute=30),
    },
    "daily-reminders": {
        "task": "turnos.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "loan-reminders": {
        "task": "archivo.tasks.remind_loans",
        "schedule": crontab(hour=8, minute=5),
    },
    "personal-data-retention": {
        "task": "oficialia.tasks.purge_expired_records",
        "schedule": crontab(hour=3, minute=20),
    },
    "arco-reminders": {
        "task": "cuentas.tasks.send_arco_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
}
TASK_RETRY_BACKOFF_MAX = 300

# The API for other government offices (/api/v1/): calls per token (django-ratelimit syntax).
API_RATE = env_str("OFICIALIA_API_RATE", "120/m")
# Webhooks: the first retry after WEBHOOK_BACKOFF_BASE seconds, doubling up to
# WEBHOOK_BACKOFF_MAX; a delivery gives up after WEBHOOK_MAX_ATTEMPTS; a URL that fails
# WEBHOOK_PAUSE_AFTER times in a row is paused and its institution told by email.
WEBHOOK_BACKOFF_BASE = env_int("OFICIALIA_WEBHOOK_BACKOFF_S", 30)
WEBHOOK_BACKOFF_MAX = env_int("OFICIALIA_WEBHOOK_BACKOFF_MAX_S", 6 * 60 * 60)
WEBHOOK_MAX_ATTEMPTS = env_int("OFICIALIA_WEBHOOK_INTENTOS", 10)
WEBHOOK_PAUSE_AFTER = env_int("OFICIALIA_WEBHOOK_PAUSAR_TRAS", 20)
WEBHOOK_TIMEOUT = env_int("OFICIALIA_WEBHOOK_TIMEOUT_S", 10)
# Allow webhook URLs on loopback or private addresses (a test, or an intranet deployment).
WEBHOOK_ALLOW_PRIVATE = env_bool("OFICIALIA_WEBHOOK_PERMITIR_INTERNAS", False)
# Email intake: the IMAP mailbox the beat reads every IMAP_POLL_SECONDS. No host, no reading.
IMAP_HOST = env_str("OFICIALIA_IMAP_HOST")
IMAP_PORT = env_int("OFICIALIA_IMAP_PORT", 993)
IMAP_SSL = env_bool("OFICIALIA_IMAP_SSL", True)
IMAP_USER = env_str("OFICIALIA_IMAP_USUARIO")
IMAP_PASSWORD = env_str("OFICIALIA_IMAP_CONTRASENA")
IMAP_FOLDER = env_str("OFICIALIA_IMAP_CARPETA", "INBOX")
IMAP_POLL_SECONDS = env_int("OFICIALIA_IMAP_CADA_S", 120)
IMAP_TIMEOUT = env_int("OFICIALIA_IMAP_TIMEOUT_S", 30)

SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "oficialia.sesiones"  # Django's database sessions, created in one INSERT
# A session lasts this long; expired ones are deleted by the daily retention task.
SESSION_COOKIE_AGE = env_int("OFICIALIA_SESION_HORAS", 12) * 3600
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False) else None
)
# HTTPS only. Off by default (the demo is plain HTTP); production turns them on. The health
# and metrics endpoints stay reachable over HTTP for the load balancer and the scraper.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^salud/", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_SUBDOMINIOS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)

# Content Security Policy (django-csp): scripts and styles only from our own static files,
# images also inline (the QR codes are data: URIs), nothing framed, forms post only here.
# The templates hold no inline script (static/js/oficialia.js binds by data attributes).
_SELF, _NONE = "'self'", "'none'"
_CSP = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "media-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
CSP_MODE = env_str("DJANGO_CSP", "activa")
if CSP_MODE not in {"activa", "informe", "apagada"}:
    raise ImproperlyConfigured(f"DJANGO_CSP must be activa, informe or apagada, not {CSP_MODE!r}")
CONTENT_SECURITY_POLICY = _CSP if CSP_MODE == "activa" else None
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if CSP_MODE == "informe" else None

# Logs: one JSON object a line (LOG_FORMAT=json, the default) with the request id that the
# web request and the tasks it queued share (oficialia.registro); LOG_FORMAT=texto for people.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "texto"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or texto, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "oficialia.registro.RequestIdFilter"}},
    "formatters": {
        "texto": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "hora", "levelname": "nivel", "name": "origen"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
# The worker logs through the configuration above, not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /metrics (Prometheus): with a token, only a scraper that sends it ("Authorization: Bearer").
METRICS_TOKEN = env_str("OFICIALIA_METRICAS_TOKEN")
# Published cuts by person (type of petitioner, gender): a figure from 1 to this minus one is
# withheld, and so is any figure that would give it back by subtraction (transparencia.reserva).
TRANSPARENCIA_CIFRA_MINIMA = env_int("OFICIALIA_CIFRA_MINIMA", 5)
if TRANSPARENCIA_CIFRA_MINIMA < 1:
    raise ImproperlyConfigured("OFICIALIA_CIFRA_MINIMA must be 1 or more")
