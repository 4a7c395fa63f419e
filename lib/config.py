"""All settings in one place: each read from an environment variable, with a default and help text.

The README mirrors SETTINGS (a test fails when a setting is missing there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SVODKA_STATE_DIR", ".svodka", "Каталог состояния: кэши, журнал вызовов, загрузки Kaggle. "
            "Относительный путь считается от корня проекта."),
    Setting("OLLAMA_HOST", "http://127.0.0.1:11434", "Адрес сервера Ollama."),
    Setting("OLLAMA_MODEL", "qwen2.5:3b", "Модель Ollama для текстов."),
    Setting("SVODKA_OLLAMA_TIMEOUT", "120", "Сколько секунд ждать ответа Ollama (включая загрузку модели)."),
    Setting("SVODKA_ANSWER_TIMEOUT", "300", "Сколько секунд самое большее длится один ответ модели, от запроса "
            "до последнего слова; дольше — ответ останавливается и показывается текст по шаблону."),
    Setting("SVODKA_NUM_CTX", "8192", "Размер контекста модели (options.num_ctx), в токенах."),
    Setting("SVODKA_KEEP_ALIVE", "30m", "Сколько держать модель в памяти после запроса (keep_alive): "
            "30m, 24h, число секунд (3600) или -1 — всегда."),
    Setting("SVODKA_MAX_UPLOAD_MB", "200", "Предельный размер загружаемого файла, МБ "
            "(держите равным server.maxUploadSize в .streamlit/config.toml)."),
    Setting("SVODKA_KAGGLE_TIMEOUT", "60", "Сколько секунд ждать Kaggle (метаданные и скачивание), "
            "прежде чем сказать «Kaggle недоступен»; загрузка продолжается в фоне."),
    Setting("KAGGLEHUB_CACHE", "", "Кэш kagglehub; по умолчанию <SVODKA_STATE_DIR>/kaggle."),
    Setting("SVODKA_CACHE_MB", "200", "Предельный размер кэша текстов (narratives.sqlite), МБ: сверх него "
            "удаляются тексты, которые дольше всех не открывали."),
    Setting("SVODKA_CHROMIUM", "", "Путь к Chromium для PDF и картинок графиков в отчёте; по умолчанию chromium "
            "из PATH. Без него PDF печатают из HTML в браузере."),
    Setting("SVODKA_SMTP_HOST", "", "Сервер почты для рассылки отчётов (python -m lib report --mail-to); "
            "пусто — письма не отправляются."),
    Setting("SVODKA_SMTP_PORT", "587", "Порт сервера почты."),
    Setting("SVODKA_SMTP_USER", "", "Логин на сервере почты; пусто — без входа."),
    Setting("SVODKA_SMTP_PASSWORD", "", "Пароль на сервере почты."),
    Setting("SVODKA_SMTP_STARTTLS", "1", "Шифровать соединение с сервером почты (STARTTLS): 1 — да, 0 — нет."),
    Setting("SVODKA_SMTP_FROM", "svodka@localhost", "Адрес отправителя писем с отчётами."),
)


def _default(name: str) -> str:
    return next(s for s in SETTINGS if s.env == name).default


def _env(name: str) -> str:
    return os.environ.get(name, "").strip() or _default(name)


def setting(name: str) -> str:
    """A setting's current value as text (the environment, else its default)."""
    return _env(name)


def _positive(name: str, cast: type[int] | type[float]) -> int | float:
    """The setting as a positive number; anything else falls back to its default."""
    try:
        value = cast(_env(name))
    except ValueError:
        return cast(_default(name))
    return value if value > 0 else cast(_default(name))


@dataclass(frozen=True)
class Config:
    state_dir: Path
    ollama_host: str
    ollama_model: str
    ollama_timeout: float
    answer_timeout: float
    num_ctx: int
    keep_alive: str
    max_upload_mb: int
    kaggle_timeout: float
    kagglehub_cache: Path
    cache_mb: float

    @property
    def journal_path(self) -> Path:
        return self.state_dir / "journal.sqlite"

    @property
    def cache_path(self) -> Path:
        return self.state_dir / "narratives.sqlite"


def load_config() -> Config:
    """Read the settings from the environment now (tests change the environment between calls)."""
    state_dir = Path(_env("SVODKA_STATE_DIR")).expanduser()
    if not state_dir.is_absolute():
        state_dir = PROJECT_ROOT / state_dir
    kaggle = _env("KAGGLEHUB_CACHE")
    return Config(
        state_dir=state_dir,
        ollama_host=_env("OLLAMA_HOST"),
        ollama_model=_env("OLLAMA_MODEL"),
        ollama_timeout=float(_positive("SVODKA_OLLAMA_TIMEOUT", float)),
        answer_timeout=float(_positive("SVODKA_ANSWER_TIMEOUT", float)),
        num_ctx=int(_positive("SVODKA_NUM_CTX", int)),
        keep_alive=_env("SVODKA_KEEP_ALIVE"),
        max_upload_mb=int(_positive("SVODKA_MAX_UPLOAD_MB", int)),
        kaggle_timeout=float(_positive("SVODKA_KAGGLE_TIMEOUT", float)),
        kagglehub_cache=Path(kaggle).expanduser() if kaggle else state_dir / "kaggle",
        cache_mb=float(_positive("SVODKA_CACHE_MB", float)),
    )
