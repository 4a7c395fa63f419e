"""lib/narration/server.py without Streamlit: status, model table, parameter sizes."""

from __future__ import annotations

from lib.narration.server import host_problem, models_table, parameters_text, server_status
from lib.narration.settings import NarrationSettings


def test_status_of_a_live_server_lists_its_models(fake_ollama) -> None:
    status = server_status(NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b"))
    assert status.up and status.error is None
    assert status.version == "0.33.0"
    assert [m.name for m in status.models] == ["qwen2.5:3b", "qwen2.5:0.5b", "qwen3:4b"]
    assert status.has("qwen3:4b") and not status.has("qwen2.5:7b")


def test_status_of_a_closed_port_is_a_connection_error() -> None:
    status = server_status(NarrationSettings(host="http://127.0.0.1:9", model="qwen2.5:3b"))
    assert not status.up
    assert status.error is not None and status.error.kind == "connection"
    assert "Не удаётся подключиться к Ollama" in status.error.user_message


def test_malformed_address_has_no_gateway() -> None:
    status = server_status(NarrationSettings(host="http://[::1", model="qwen2.5:3b"))
    assert status.gateway is None and not status.up
    assert host_problem("http://[::1") is not None
    assert host_problem("http://127.0.0.1:11434") is None


def test_parameter_sizes_read_the_russian_way() -> None:
    assert parameters_text("3.1B") == "3,1\xa0млрд"
    assert parameters_text("494.03M") == "494\xa0млн"
    assert parameters_text("7B") == "7\xa0млрд"
    assert parameters_text("") == "—"
    assert parameters_text("big") == "big"


def test_models_table_has_russian_headers(fake_ollama) -> None:
    status = server_status(NarrationSettings(host=fake_ollama.url, model="qwen2.5:3b"))
    table = models_table(status.models)
    assert list(table.columns) == ["Модель", "Размер", "Семейство", "Параметров", "Квантование", "Изменена"]
    assert len(table) == 3
