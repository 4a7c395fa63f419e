import streamlit as st

from lib.ui.model import (
    gateway,
    host_form,
    models_section,
    probe_section,
    pull_section,
    server_status,
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
ollama = gateway(settings)
status = server_status(ollama)
server_summary(status, ollama)

st.subheader("Установленные модели")
models_section(settings, status)

st.subheader("Скачать модель")
pull_section(ollama, current_settings(), status)

st.subheader("Проверить модель")
probe_section(ollama, current_settings(), status)

st.subheader("Параметры генерации")
settings_form(current_settings())
