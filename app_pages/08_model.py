import streamlit as st

from lib.narration.server import server_status
from lib.ui.model import (
    host_form,
    model_notes,
    models_section,
    probe_section,
    pull_section,
    server_summary,
    settings_form,
    show_flash,
)
from lib.ui.narrative import current_settings

st.title("Модель")
st.caption("Сервер Ollama, модель для текстов отчёта, её скорость на этой машине и параметры генерации.")
show_flash()

st.subheader("Сервер")
settings = host_form(current_settings())
status = server_status(settings)
server_summary(status)

st.subheader("Установленные модели")
models_section(settings, status)

st.subheader("Скачать модель")
pull_section(status, current_settings())

st.subheader("Проверить модель")
probe_section(status, current_settings())

st.subheader("Параметры генерации")
model_notes(status, current_settings())
settings_form(current_settings())
