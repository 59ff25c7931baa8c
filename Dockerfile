# Multi-stage image: build wheels and static files, run gunicorn as a non-root user.
# Migrations are NOT run by the container's command: run them once per release with
#   docker run --rm --env-file prod.env IMAGE python manage.py migrate
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cms cms
COPY sites sites
COPY migrations migrations
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=cms.settings STATIC_ROOT=/app/static_collected MEDIA_ROOT=/data/media
RUN apt-get update && apt-get install -y --no-install-recommends gettext libjpeg62-turbo zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 portals
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
COPY . .
# Static files and compiled translations are built into the image; the secret key used here only
# serves collectstatic and is not kept.
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /data/media && chown -R portals:portals /data
USER portals
EXPOSE 8000
CMD ["gunicorn", "cms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60"]
