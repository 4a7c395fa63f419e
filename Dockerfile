# Svodka app image: slim Python, the runtime requirements only (no torch, no CUDA), non-root.
# The model runs in the separate Ollama container (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --gid 10001 svodka \
    && useradd --uid 10001 --gid svodka --create-home --shell /usr/sbin/nologin svodka

WORKDIR /app

# Dependencies first, in their own layer: code changes do not reinstall them. No bytecode (the app user cannot
# write it and PYTHONDONTWRITEBYTECODE is set) and no packages' own test suites: site-packages 568 MB instead
# of over 750 MB (measured in a clean virtualenv with scipy), under the 600 MB budget.
COPY requirements.txt ./
RUN pip install --no-cache-dir --no-compile -r requirements.txt \
    && find /usr/local/lib/python3.11/site-packages -type d \( -name __pycache__ -o -name tests \) -prune -exec rm -rf {} +

# Optional PDF variant (`SVODKA_PDF=1 docker compose up --build`): Debian's chromium prints the report through
# Playwright. Off by default, so the default image stays small (no browser, no fonts, no Playwright).
ARG SVODKA_PDF=0
COPY requirements-pdf.txt ./
RUN if [ "$SVODKA_PDF" = "1" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
        && rm -rf /var/lib/apt/lists/* \
        && pip install --no-cache-dir --no-compile -r requirements-pdf.txt; \
    fi

# Code and the embedded dataset stay owned by root: the app user can read them, not change them.
COPY .streamlit/ ./.streamlit/
COPY data/ ./data/
COPY lib/ ./lib/
COPY app_pages/ ./app_pages/
COPY streamlit_app.py ./

# Runtime state (caches, journal, Kaggle downloads) lives on a volume owned by the app user;
# a fresh named volume takes this directory's ownership.
ENV SVODKA_STATE_DIR=/data/state
RUN mkdir -p /data/state && chown svodka:svodka /data/state
VOLUME ["/data/state"]

USER svodka

EXPOSE 8501

# The slim image has no curl: probe Streamlit's health endpoint with Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

CMD ["streamlit", "run", "streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501"]
