"""Deployment checks that run without a Docker engine.

- docker-compose.yml is validated and resolved by Debian's docker-compose 1.29 (`make deps-system` installs
  it), and the resolved service graph is asserted: healthchecks, depends_on conditions, volumes, env.
- The Dockerfile is parsed and held to the rules of issue 7 (hadolint is not available here).
- .dockerignore is evaluated with Docker's matching rules on the paths that matter.
- The image's Python dependency set is resolved by pip (dry run, as into a clean venv) and must hold no
  torch, transformers or CUDA wheels; the app must import with nothing but that set.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from lib.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
GPU_FILE = ROOT / "docker-compose.gpu.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DEFAULTS = {s.env: s.default for s in SETTINGS}
STATE_DIR = "/data/state"


# --- docker-compose -------------------------------------------------------------------------

def compose_config(tmp_path: Path, *files: Path, env: dict[str, str] | None = None,
                   env_file: Path | None = None) -> dict:
    """The configuration docker-compose resolves, as a dict; fails the test if docker-compose rejects it."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is not installed: run `make deps-system` (as root) or "
                    "`apt-get install docker-compose`")
    if env_file is None:
        env_file = tmp_path / "empty.env"
        env_file.write_text("")
    command = [binary, "--env-file", str(env_file)]
    for file in files or (COMPOSE_FILE,):
        command += ["-f", str(file)]
    # A clean environment: the developer's shell or a local .env must not change what is checked.
    result = subprocess.run(command + ["config"], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **(env or {})})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> dict:
    return compose_config(tmp_path_factory.mktemp("compose"))["services"]


def volume_mounts(service: dict) -> dict[str, str]:
    """target → source for the `source:target[:mode]` strings docker-compose 1.29 prints."""
    mounts = {}
    for spec in service.get("volumes", []):
        source, target = spec.split(":")[:2]
        mounts[target] = source
    return mounts


def compose_variables(path: Path) -> set[str]:
    return set(re.findall(r"\$\{([A-Z0-9_]+)", path.read_text()))


def test_compose_has_exactly_the_three_services_and_named_volumes(tmp_path):
    config = compose_config(tmp_path)
    assert sorted(config["services"]) == ["app", "ollama", "ollama-pull"]
    assert sorted(config["volumes"]) == ["ollama-models", "svodka-state"]


def test_ollama_server_keeps_models_in_a_volume_and_is_probed_with_ollama_list(services):
    ollama = services["ollama"]
    assert ollama["image"] == "ollama/ollama:latest"
    assert volume_mounts(ollama) == {"/root/.ollama": "ollama-models"}
    assert ollama["healthcheck"]["test"] == ["CMD", "ollama", "list"]
    assert ollama["environment"]["OLLAMA_KEEP_ALIVE"] == "24h"
    assert "ports" not in ollama, "Ollama is reached over the compose network only"
    assert "deploy" not in ollama, "GPU is opt-in through docker-compose.gpu.yml"


def test_pull_service_pulls_the_default_model_once_the_server_is_healthy(services):
    pull = services["ollama-pull"]
    assert pull["image"] == services["ollama"]["image"]
    assert pull["environment"] == {"OLLAMA_HOST": "ollama:11434", "OLLAMA_MODEL": "qwen2.5:3b"}
    assert pull["depends_on"] == {"ollama": {"condition": "service_healthy"}}
    assert pull["restart"] == "no"
    assert "volumes" not in pull, "the server does the download, into its own volume"


def run_pull_entrypoint(services: dict, tmp_path: Path, *, present: bool, pull_rc: int = 0):
    """Run ollama-pull's entrypoint with a fake `ollama` CLI; return its exit code and the CLI calls."""
    pull = services["ollama-pull"]
    assert pull["entrypoint"][:2] == ["/bin/sh", "-c"]
    script = pull["entrypoint"][2].replace("$$", "$")  # compose's escape for a literal $
    calls = tmp_path / "calls"
    fake = tmp_path / "bin" / "ollama"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n'
                    f'case "$1" in show) exit {0 if present else 1};; pull) exit {pull_rc};; esac\nexit 2\n')
    fake.chmod(0o755)
    result = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, timeout=30,
                            env={"PATH": f"{fake.parent}:/usr/bin:/bin", **pull["environment"]})
    return result.returncode, calls.read_text().splitlines()


def test_pull_service_downloads_a_missing_model(services, tmp_path):
    assert run_pull_entrypoint(services, tmp_path, present=False) == (0, ["show qwen2.5:3b", "pull qwen2.5:3b"])


def test_pull_service_skips_a_downloaded_model_so_restarts_work_offline(services, tmp_path):
    assert run_pull_entrypoint(services, tmp_path, present=True) == (0, ["show qwen2.5:3b"])


def test_pull_service_fails_when_the_download_fails_so_the_app_waits(services, tmp_path):
    rc, calls = run_pull_entrypoint(services, tmp_path, present=False, pull_rc=1)
    assert rc == 1 and calls == ["show qwen2.5:3b", "pull qwen2.5:3b"]


def test_app_starts_after_the_server_is_healthy_and_the_pull_succeeded(services):
    app = services["app"]
    assert app["depends_on"] == {
        "ollama": {"condition": "service_healthy"},
        "ollama-pull": {"condition": "service_completed_successfully"},
    }
    assert Path(app["build"]["context"]) == ROOT
    assert app["ports"] == ["127.0.0.1:8501:8501/tcp"]
    assert volume_mounts(app) == {STATE_DIR: "svodka-state"}


def test_app_talks_to_the_ollama_service_with_the_pulled_model(services):
    env = services["app"]["environment"]
    assert env["OLLAMA_HOST"] == "http://ollama:11434"
    assert env["OLLAMA_MODEL"] == services["ollama-pull"]["environment"]["OLLAMA_MODEL"]
    assert env["OLLAMA_MODEL"] == DEFAULTS["OLLAMA_MODEL"]
    assert env["SVODKA_STATE_DIR"] == STATE_DIR


def test_app_defaults_in_compose_match_the_app_settings(services):
    env = services["app"]["environment"]
    for name in ("SVODKA_OLLAMA_TIMEOUT", "SVODKA_NUM_CTX", "SVODKA_MAX_UPLOAD_MB", "KAGGLEHUB_CACHE"):
        assert env[name] == DEFAULTS[name], name
    assert env["SVODKA_KEEP_ALIVE"] == services["ollama"]["environment"]["OLLAMA_KEEP_ALIVE"]
    streamlit_config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert env["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == str(streamlit_config["server"]["maxUploadSize"])


def test_model_and_port_variables_reach_every_service_that_uses_them(tmp_path):
    services = compose_config(tmp_path, env={"OLLAMA_MODEL": "qwen2.5:1.5b", "SVODKA_PORT": "9001",
                                             "SVODKA_BIND": "0.0.0.0", "SVODKA_MAX_UPLOAD_MB": "50"})["services"]
    assert services["ollama-pull"]["environment"]["OLLAMA_MODEL"] == "qwen2.5:1.5b"
    assert services["app"]["environment"]["OLLAMA_MODEL"] == "qwen2.5:1.5b"
    assert services["app"]["ports"] == ["0.0.0.0:9001:8501/tcp"]
    assert services["app"]["environment"]["SVODKA_MAX_UPLOAD_MB"] == "50"
    assert services["app"]["environment"]["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == "50"


def test_an_unedited_copy_of_env_example_changes_nothing(tmp_path):
    assert compose_config(tmp_path, env_file=ENV_EXAMPLE) == compose_config(tmp_path)


def test_kaggle_credentials_reach_the_app_only_when_set(tmp_path):
    unset = compose_config(tmp_path)["services"]["app"]["environment"]
    assert unset["KAGGLE_USERNAME"] is None and unset["KAGGLE_KEY"] is None  # null: not passed to the container
    env_file = tmp_path / "kaggle.env"
    env_file.write_text("KAGGLE_USERNAME=analyst\nKAGGLE_KEY=0123abcd\n")
    services = compose_config(tmp_path, env_file=env_file)["services"]
    assert services["app"]["environment"]["KAGGLE_USERNAME"] == "analyst"
    assert services["app"]["environment"]["KAGGLE_KEY"] == "0123abcd"
    assert "KAGGLE_KEY" not in services["ollama"].get("environment", {})


def test_env_example_documents_every_variable(services):
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    used = (compose_variables(COMPOSE_FILE) | compose_variables(GPU_FILE) | set(DEFAULTS)
            | set(services["app"]["environment"]))
    assert used <= documented, sorted(used - documented)
    assert "COMPOSE_FILE" in documented


def test_gpu_override_reserves_nvidia_gpus_for_ollama_only(tmp_path):
    services = compose_config(tmp_path, COMPOSE_FILE, GPU_FILE)["services"]
    devices = services["ollama"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": "all", "capabilities": ["gpu"]}]
    assert services["ollama"]["healthcheck"]["test"] == ["CMD", "ollama", "list"]
    assert "deploy" not in services["app"] and "deploy" not in services["ollama-pull"]


# --- Dockerfile ---------------------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += stripped[:-1] + " " if stripped.endswith("\\") else stripped
        if not stripped.endswith("\\"):
            keyword, _, args = current.partition(" ")
            instructions.append((keyword.upper(), " ".join(args.split())))
            current = ""
    return instructions


def args_of(keyword: str) -> list[str]:
    return [args for kw, args in dockerfile_instructions() if kw == keyword]


def index_of(predicate) -> int:
    return next(i for i, instruction in enumerate(dockerfile_instructions()) if predicate(*instruction))


def copy_sources() -> list[str]:
    sources = []
    for args in args_of("COPY"):
        parts = [p for p in args.split() if not p.startswith("--")]
        sources += [p.rstrip("/") for p in parts[:-1]]
    return sources


def test_dockerfile_builds_on_one_slim_python_311_stage():
    assert len(args_of("FROM")) == 1
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-bookworm)?", args_of("FROM")[0])


def test_dockerfile_installs_requirements_in_a_cached_layer_before_the_code():
    copy_requirements = index_of(lambda kw, args: kw == "COPY" and args.split()[0] == "requirements.txt")
    install = index_of(lambda kw, args: kw == "RUN" and "pip install" in args)
    first_code = index_of(lambda kw, args: kw == "COPY" and args.split()[0] != "requirements.txt")
    assert copy_requirements < install < first_code
    installs = [a for a in args_of("RUN") if "pip install" in a and a != pdf_variant_run()]
    assert len(installs) == 1
    assert installs[0].startswith("pip install --no-cache-dir --no-compile -r requirements.txt && find ")
    assert any(re.search(r"\bPIP_NO_CACHE_DIR=1\b", args) for args in args_of("ENV"))


def pdf_variant_run() -> str:
    """The one RUN that installs Debian's chromium, only when the build argument SVODKA_PDF is 1."""
    [run] = [args for args in args_of("RUN") if "chromium" in args]
    return run


def test_dockerfile_pulls_in_nothing_heavy():
    text = " ".join(f"{kw} {args}" for kw, args in dockerfile_instructions() if args != pdf_variant_run()).lower()
    for word in ("torch", "cuda", "nvidia", "transformers", "apt-get install", "chromium", "playwright"):
        assert word not in text, word


def test_pdf_variant_installs_chromium_and_playwright_only_with_the_build_argument():
    assert args_of("ARG") == ["SVODKA_PDF=0"]
    run = pdf_variant_run()
    assert run.startswith('if [ "$SVODKA_PDF" = "1" ]; then ') and run.endswith("fi")
    assert "apt-get install -y --no-install-recommends chromium fonts-dejavu-core " in run
    assert "pip install --no-cache-dir --no-compile -r requirements-pdf.txt" in run
    wanted = [line for line in (ROOT / "requirements-pdf.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert [canonicalize_name(Requirement(line).name) for line in wanted] == ["playwright"]


def test_compose_builds_the_small_image_unless_svodka_pdf_is_1(services, tmp_path):
    assert services["app"]["build"]["args"] == {"SVODKA_PDF": "0"}
    pdf = compose_config(tmp_path, env={"SVODKA_PDF": "1"})["services"]
    assert pdf["app"]["build"]["args"] == {"SVODKA_PDF": "1"}


def test_dockerfile_runs_the_app_as_the_non_root_svodka_user():
    instructions = dockerfile_instructions()
    assert args_of("USER") == ["svodka"]
    user_at = index_of(lambda kw, args: kw == "USER")
    assert all(kw != "RUN" for kw, _ in instructions[user_at:]), "everything after USER runs as svodka"
    assert any("useradd" in args and args.endswith(" svodka") for args in args_of("RUN"))


def test_dockerfile_state_directory_is_a_volume_owned_by_the_app_user(services):
    assert f"SVODKA_STATE_DIR={STATE_DIR}" in args_of("ENV")
    assert json.loads(args_of("VOLUME")[0]) == [STATE_DIR]
    assert any(f"chown svodka:svodka {STATE_DIR}" in args for args in args_of("RUN"))
    assert STATE_DIR in volume_mounts(services["app"])


def test_dockerfile_serves_streamlit_on_all_interfaces_port_8501():
    assert json.loads(args_of("CMD")[0]) == [
        "streamlit", "run", "streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501"]
    assert args_of("EXPOSE") == ["8501"]


def test_dockerfile_copies_everything_the_app_needs():
    sources = copy_sources()
    assert set(sources) == {"requirements.txt", "requirements-pdf.txt", ".streamlit", "data", "lib", "app_pages",
                            "streamlit_app.py"}
    for source in sources:
        assert (ROOT / source).exists(), source
    assert (ROOT / "data" / "flights.csv.zip").is_file()
    assert (ROOT / ".streamlit" / "config.toml").is_file()


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server API)
        ok = self.path == "/_stcore/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"")

    def log_message(self, *args):
        pass


def healthcheck_probe(port: int) -> subprocess.CompletedProcess:
    """Run the Dockerfile's HEALTHCHECK command, pointed at `port` on 127.0.0.1 instead of 8501."""
    args = args_of("HEALTHCHECK")[0]
    command = json.loads(args[args.index("CMD ") + 4:])
    assert command[:2] == ["python", "-c"]
    code = command[2]
    assert "http://127.0.0.1:8501/_stcore/health" in code
    code = code.replace("127.0.0.1:8501", f"127.0.0.1:{port}")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)


def test_dockerfile_healthcheck_passes_when_streamlit_answers_and_fails_when_it_is_down():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert healthcheck_probe(port).returncode == 0
    finally:
        server.shutdown()
        server.server_close()
    assert healthcheck_probe(port).returncode != 0


# --- .dockerignore ------------------------------------------------------------------------------

def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore pattern (Go filepath.Match plus `**`) as a regex over a relative path."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def in_build_context(path: str) -> bool:
    """Whether Docker sends `path` to the build: the last pattern matching it or a parent decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    included = True
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        regex = _pattern_regex(line.lstrip("!").strip().strip("/"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            included = negated
    return included


@pytest.mark.parametrize("path", [
    ".venv/bin/python", ".git/HEAD", ".svodka/journal.sqlite", ".env", "tests/test_deploy.py",
    "tests/deploy/import_app.py", ".pytest_cache/v/cache/nodeids", ".ruff_cache/CACHEDIR.TAG",
    "bench/results/run.json", "lib/__pycache__/config.cpython-311.pyc", "__pycache__/x.pyc",
    "app_pages/__pycache__/x.pyc", "lib/facts/.svodka/cache.sqlite", ".coverage", "htmlcov/index.html",
    "docker-compose.yml",
])
def test_build_context_leaves_out_venv_caches_state_and_tests(path):
    assert not in_build_context(path)


def test_build_context_holds_every_path_the_dockerfile_copies():
    for source in copy_sources():
        assert in_build_context(source), source
    for path in ("lib/config.py", "lib/facts/base.py", "data/flights.csv.zip", ".streamlit/config.toml",
                 "app_pages/01_overview.py"):
        assert in_build_context(path), path


# --- Python dependency set of the image ---------------------------------------------------------

HEAVY = {"torch", "torchvision", "torchaudio", "transformers", "tensorflow", "tensorflow-cpu", "jax",
         "jaxlib", "triton", "accelerate", "sentence-transformers", "onnxruntime-gpu"}


def is_heavy(name: str) -> bool:
    name = canonicalize_name(name)
    return name in HEAVY or name.startswith("nvidia-") or "cuda" in name


def test_is_heavy_flags_torch_and_cuda_wheels_only():
    assert [n for n in ("torch", "nvidia-cublas-cu12", "cuda-python", "Transformers", "pandas", "streamlit")
            if is_heavy(n)] == ["torch", "nvidia-cublas-cu12", "cuda-python", "Transformers"]


def requirement_closure(requirements_file: Path) -> set[str]:
    """Distribution names a requirements file pulls in, read from what is installed in this venv."""
    pending: list[tuple[str, frozenset[str]]] = []
    for line in requirements_file.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r"):
            pending += [(name, frozenset()) for name in requirement_closure(
                requirements_file.parent / line[2:].strip())]
        elif line:
            requirement = Requirement(line)
            pending.append((requirement.name, frozenset(requirement.extras)))
    seen: set[str] = set()
    while pending:
        name, extras = pending.pop()
        key = canonicalize_name(name)
        if key in seen:
            continue
        seen.add(key)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or any(
                    requirement.marker.evaluate({"extra": extra}) for extra in {"", *extras}):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_image_dependency_set_has_no_torch_transformers_or_cuda():
    """Offline: the distributions requirements.txt pulls in, as resolved in this venv (tests never reach PyPI;
    `make docker-check` repeats this against a clean venv installed from PyPI)."""
    names = requirement_closure(ROOT / "requirements.txt")
    assert {"streamlit", "pandas", "ollama", "plotly", "numpy"} <= names
    assert sorted(n for n in names if is_heavy(n)) == []


def dev_only_modules() -> set[str]:
    """Top-level modules that only requirements-dev.txt installs: the image lacks them."""
    dev_only = requirement_closure(ROOT / "requirements-dev.txt") - requirement_closure(ROOT / "requirements.txt")
    assert {"pytest", "ruff", "iniconfig"} <= dev_only
    return {module for module, dists in metadata.packages_distributions().items()
            if {canonicalize_name(d) for d in dists} <= dev_only}


def run_import_app(tmp_path: Path, absent: set[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "tests" / "deploy" / "import_app.py"), "--absent", ",".join(sorted(absent))],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SVODKA_STATE_DIR": str(tmp_path / "state"),
             "PYTHONDONTWRITEBYTECODE": "1"})


def test_app_imports_with_the_runtime_dependency_set_only(tmp_path):
    absent = dev_only_modules()
    assert {"pytest", "_pytest"} <= absent
    result = run_import_app(tmp_path, absent)
    assert result.returncode == 0, result.stderr[-3000:]
    modules = json.loads(result.stdout)["lib_modules"]
    assert len(modules) == len(list((ROOT / "lib").rglob("*.py")))
    assert {"lib", "lib.config", "lib.facts.base"} <= set(modules)
    assert "streamlit" in json.loads(result.stdout)["script_imports"]


def test_import_check_fails_when_the_app_needs_a_module_the_image_lacks(tmp_path):
    result = run_import_app(tmp_path, {"pandas"})
    assert result.returncode != 0
    assert "pandas" in result.stderr


# --- make deps-system -------------------------------------------------------------------------

def test_deps_system_names_debian_packages_for_missing_tools(tmp_path):
    """With none of the tools on PATH (and no apt-get), it says which Debian packages to install: pdftotext
    comes from poppler-utils, the others have the tool's name."""
    result = subprocess.run(["/usr/bin/make", "-s", "-C", str(ROOT), "deps-system"], capture_output=True, text=True,
                            env={"PATH": str(tmp_path)})
    assert result.returncode != 0
    assert ("The tests need Debian packages: docker-compose chromium poppler-utils — "
            "sudo apt-get install docker-compose chromium poppler-utils") in result.stderr


def test_deps_system_finds_every_tool_here():
    assert all(shutil.which(tool) for tool in ("docker-compose", "chromium", "pdftotext"))
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "deps-system"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
