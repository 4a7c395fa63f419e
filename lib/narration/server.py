"""What the «Модель» page and the narrative panel know about the Ollama server, without Streamlit: the
server's status and installed models, their table, and the progress of a model download (`PullMeter`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.errors import NarrationError
from lib.fmt import fmt_bytes, fmt_date, fmt_num, fmt_pct
from lib.narration.ollama import ModelInfo, OllamaGateway, PullProgress, gateway_for
from lib.narration.settings import NarrationSettings

STATUS_TIMEOUT = 5.0  # seconds: a liveness check must not hang the page for the whole generation timeout


def host_problem(host: str) -> str | None:
    """A Russian message when `host` cannot be an Ollama address, else None."""
    try:
        OllamaGateway(host, STATUS_TIMEOUT)
    except NarrationError as exc:
        return exc.user_message
    return None


@dataclass
class ServerStatus:
    """What is known about the server: its gateway (None for a malformed address), version, models, or the
    error that stopped the check."""

    gateway: OllamaGateway | None = None
    version: str | None = None
    models: list[ModelInfo] = field(default_factory=list)
    error: NarrationError | None = None

    @property
    def up(self) -> bool:
        return self.error is None and self.gateway is not None

    def has(self, model: str) -> bool:
        return model in {m.name for m in self.models}


def server_status(settings: NarrationSettings) -> ServerStatus:
    """Ask the server at `settings.host` for its version (within STATUS_TIMEOUT) and installed models."""
    try:
        gw = gateway_for(settings.host, settings.timeout)
    except NarrationError as exc:
        return ServerStatus(error=exc)
    try:
        version = gw.version(timeout=min(STATUS_TIMEOUT, gw.timeout))
        return ServerStatus(gateway=gw, version=version, models=gw.list_models())
    except NarrationError as exc:
        return ServerStatus(gateway=gw, error=exc)


PARAMETER_UNITS = {"K": "тыс.", "M": "млн", "B": "млрд", "T": "трлн"}


def parameters_text(size: str | None) -> str:
    """Ollama's `parameter_size` the Russian way: '3.1B' → '3,1 млрд', '494.03M' → '494 млн'."""
    if not size:
        return "—"
    number, unit = size[:-1], PARAMETER_UNITS.get(size[-1:].upper())
    try:
        value = float(number)
    except ValueError:
        return size
    if unit is None:
        return size
    return f"{fmt_num(value, 1 if value < 100 else 0)}\u00a0{unit}"


def models_table(models: list[ModelInfo]) -> pd.DataFrame:
    """The installed models with Russian headers, sizes and dates."""
    return pd.DataFrame(
        {
            "Модель": [m.name for m in models],
            "Размер": [fmt_bytes(m.size) for m in models],
            "Семейство": [m.family or "—" for m in models],
            "Параметров": [parameters_text(m.parameter_size) for m in models],
            "Квантование": [m.quantization or "—" for m in models],
            "Изменена": [fmt_date(m.modified_at) if m.modified_at else "—" for m in models],
        }
    )


PULL_STATUS = {
    "pulling manifest": "Получаю описание модели…",
    "verifying sha256 digest": "Проверяю контрольную сумму…",
    "writing manifest": "Записываю модель…",
    "removing any unused layers": "Удаляю ненужные слои…",
    "removing unused layers": "Удаляю ненужные слои…",
    "success": "Готово: модель скачана.",
}
PULL_CUT = ("Скачивание оборвалось, не дойдя до конца. Нажмите «Скачать модель» ещё раз — Ollama продолжит "
            "с того же места.")


class PullMeter:
    """Overall progress of one pull. Ollama reports every layer ("pulling <digest>") with its own total, so the
    share is the bytes completed over the bytes announced by all layers seen so far (the model weights
    dominate). The bar never moves back: a newly announced small layer holds it where it was until the
    bytes catch up."""

    def __init__(self) -> None:
        self.layers: dict[str, tuple[int, int]] = {}
        self.finished = False
        self.share = 0.0

    def update(self, progress: PullProgress) -> tuple[float, str]:
        """(share for the progress bar, Russian status line) after one progress message."""
        if progress.status == "success":
            self.finished = True
            self.share = 1.0
            return 1.0, PULL_STATUS["success"]
        if progress.total:
            self.layers[progress.status] = (progress.completed or 0, progress.total)
        done = sum(completed for completed, _ in self.layers.values())
        total = sum(size for _, size in self.layers.values())
        fraction = min(1.0, done / total) if total else 0.0
        self.share = max(self.share, fraction)
        if progress.status in PULL_STATUS:
            return self.share, PULL_STATUS[progress.status]
        if progress.status.startswith("pulling") and total:
            return self.share, f"Скачиваю: {fmt_bytes(done)} из {fmt_bytes(total)} ({fmt_pct(fraction)})"
        if progress.status.startswith("pulling"):
            return self.share, "Скачиваю…"
        return self.share, progress.status
