import streamlit as st

from lib.ui.sources import announce_opened, kaggle_form, recent_list, show_announcement, upload_form
from lib.ui.state import register_dataset

st.title("Данные")
st.caption("Откройте свой файл или набор с Kaggle: он станет текущим для всех страниц отчёта.")
show_announcement()

upload_tab, kaggle_tab = st.tabs(["Загрузить файл", "Kaggle"])
with upload_tab:
    uploaded = upload_form()
with kaggle_tab:
    downloaded = kaggle_form()
    st.subheader("Недавние наборы Kaggle")
    reopened = recent_list()

dataset = uploaded or downloaded or reopened
if dataset is not None:
    register_dataset(dataset)
    announce_opened(dataset)
