# syntax=docker/dockerfile:1
# One image for every process of Oficialía: gunicorn (web), the Celery worker and beat, and
# the one-shot `migrate`. See docker-compose.yml; every setting comes from the environment
# (.env.example lists them).
FROM python:3.11-slim-bookworm

# PYTHONPATH: `pip install .` also puts a copy of the packages in site-packages, but
# settings.py finds templates/, static/ and var/ next to the package it is imported from
# (BASE_DIR), so /app must win over site-packages for every process (gunicorn, celery,
# manage.py, `docker compose exec ... python`).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings \
    OFICIALIA_VAR_DIR=/app/var \
    OFICIALIA_MEDIA_ROOT=/app/var/media

# WeasyPrint's system libraries and tesseract with its Spanish data for the attachments' OCR
# (the `run` list of scripts/system-deps.sh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fontconfig \
        tesseract-ocr \
        tesseract-ocr-spa \
    && rm -rf /var/lib/apt/lists/*

# A home of its own: gunicorn puts its control socket in ~/.gunicorn, fontconfig its cache.
RUN groupadd --system --gid 10001 oficialia \
    && useradd --system --uid 10001 --gid oficialia --create-home --home-dir /home/oficialia \
        --shell /usr/sbin/nologin oficialia

WORKDIR /app

# The dependencies first, in a layer of their own that only pyproject.toml invalidates.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project. Its files stay owned by root: the app user can read them, not change them.
COPY . .
RUN pip install . \
    && rm -rf build ./*.egg-info

# Static files, hashed and compressed by WhiteNoise, into /app/var/staticfiles (STATIC_ROOT).
# Settings need a secret key to load; this one exists only during this step, not in the image.
# var/ is writable by the app user for the beat schedule; var/media is the MEDIA_ROOT, where
# the `media` volume is mounted (a new named volume takes this directory's owner).
RUN DJANGO_SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown oficialia:oficialia /app/var /app/var/media

USER oficialia

EXPOSE 8000

# Workers, timeout and logging: config/gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_TIMEOUT).
CMD ["gunicorn", "--config", "/app/config/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "config.wsgi:application"]
