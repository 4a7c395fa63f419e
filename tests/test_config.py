from pathlib import Path

import pytest

from lib.config import PROJECT_ROOT, SETTINGS, load_config

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_documented_in_readme_with_its_default(setting):
    rows = [line for line in README.splitlines() if line.startswith(f"| `{setting.env}` |")]
    assert len(rows) == 1
    assert (f"`{setting.default}`" if setting.default else "*(пусто)*") in rows[0]


def test_defaults(monkeypatch):
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    config = load_config()
    assert config.state_dir == PROJECT_ROOT / ".svodka"
    assert config.ollama_host == "http://127.0.0.1:11434"
    assert config.ollama_model == "qwen2.5:3b"
    assert config.num_ctx == 8192
    assert config.kagglehub_cache == PROJECT_ROOT / ".svodka" / "kaggle"


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("SVODKA_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("OLLAMA_MODEL", "qwen3:4b-instruct")
    monkeypatch.setenv("SVODKA_NUM_CTX", "16384")
    config = load_config()
    assert config.state_dir == tmp_path
    assert config.journal_path.parent == tmp_path
    assert config.ollama_model == "qwen3:4b-instruct"
    assert config.num_ctx == 16384


@pytest.mark.parametrize("raw", ["abc", "-5", "0"])
def test_bad_numbers_fall_back_to_defaults(monkeypatch, raw):
    monkeypatch.setenv("SVODKA_NUM_CTX", raw)
    assert load_config().num_ctx == 8192


def test_state_dir_is_git_ignored():
    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert ".svodka/" in ignored and ".venv/" in ignored


def test_telemetry_is_off():
    config_toml = Path(PROJECT_ROOT / ".streamlit" / "config.toml").read_text()
    assert "gatherUsageStats = false" in config_toml


BENCH_PEERS = {"ydata_profiling"}  # installed only in the bench's own virtualenv (bench/ydata_peer.py)


def test_mypy_skips_only_third_party_packages_that_ship_no_types():
    """`ignore_missing_imports` is for untyped packages only: each listed one is installed, has no py.typed
    marker and no stub package, so a package that starts shipping types gets checked again."""
    import importlib.metadata
    import importlib.util
    import tomllib

    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    overrides = [o for o in config["overrides"] if o.get("ignore_missing_imports")]
    names = {m.split(".")[0] for o in overrides for m in o["module"]} - BENCH_PEERS
    assert names, "no untyped packages listed"
    for name in sorted(names):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, f"{name} is listed but not installed"
        package = Path(spec.origin).parent
        assert not (package / "py.typed").exists(), f"{name} ships types: remove it from the mypy overrides"
        for stubs in (f"{name}-stubs", f"types-{name}"):
            with pytest.raises(importlib.metadata.PackageNotFoundError):
                importlib.metadata.distribution(stubs)  # installed stubs would make the override wrong
