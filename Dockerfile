# syntax=docker/dockerfile:1
# Build stage: build wheels for syndic and its dependencies.
FROM python:3.11.10-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY services ./services
COPY schemas ./schemas
RUN pip wheel --wheel-dir /wheels .

# Runtime stage: slim Python, wheels only, non-root user.
FROM python:3.11.10-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SYNDIC_SCHEMAS_DIR=/app/schemas \
    SYNDIC_DATA_DIR=/var/lib/syndic \
    SYNDIC_WEB_BIND=0.0.0.0 \
    SYNDIC_WEB_PORT=6066
RUN groupadd --system --gid 10001 syndic \
    && useradd --system --uid 10001 --gid syndic --home-dir /app --shell /usr/sbin/nologin syndic
COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links=/wheels syndic && rm -rf /wheels
WORKDIR /app
COPY --chown=syndic:syndic schemas /app/schemas
RUN mkdir -p /var/lib/syndic && chown syndic:syndic /var/lib/syndic
USER 10001:10001
EXPOSE 6066
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os,urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SYNDIC_WEB_PORT','6066'), timeout=2).status == 200 else 1)"]
ENTRYPOINT ["syndic"]
CMD ["worker"]
