# Self-hosting image: the dashboard (port 8050) and, in a second container from the same
# image, the upload portal (port 8051) and ETL commands. Stores come from DEMOGRAFIE_* URLs.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEMOGRAFIE_HOME=/var/lib/demografie \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN useradd --system --create-home --home-dir /var/lib/demografie demografie
WORKDIR /app
# The same versions as `make test`: everything comes from uv.lock.
COPY pyproject.toml uv.lock README.md ./
RUN pip install --no-cache-dir "uv==0.13.9" \
 && uv sync --frozen --no-install-project --no-cache
COPY etl ./etl
COPY dashboard ./dashboard
COPY portal ./portal
COPY websecurity ./websecurity
COPY i18n ./i18n
COPY data ./data
RUN uv sync --frozen --no-editable --no-cache && rm -rf /root/.cache

USER demografie
EXPOSE 8050 8051
# Dashboard: reads the published zone only (give it the read-only role's URL).
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8050", "dashboard.wsgi:server"]
# Portal:   docker run ... gunicorn --bind 0.0.0.0:8051 portal.wsgi:server
# ETL:      docker run ... python -m etl publish
