import streamlit as st

from lib.charts.journal import latency_chart, speed_chart, status_chart
from lib.fmt import fmt_int, fmt_num
from lib.journal import load_calls, load_choices
from lib.journal_facts import (
    PERIODS,
    call_record,
    fmt_seconds,
    journal_csv,
    journal_facts,
    journal_table,
    page_label,
    period_start,
    status_label,
)
from lib.ui.journal import calls_table, reader_zone
from lib.ui.safe import literal
from lib.ui.widgets import metric_row
from lib.verify import escape_markdown
from lib.vocab import message_role_label

LIMIT = 5000

st.title("Журнал")
st.caption("Каждое обращение к модели: когда, с какой страницы, сколько ждали и чем закончилось.")

zone = reader_zone()
choices, problem = load_choices()
if choices is None:
    st.error(problem or "")
    st.stop()

if not choices["status"]:
    st.info(
        "Журнал пока пуст: модель ещё ни разу не вызывалась. Откройте любую страницу отчёта и попросите текст "
        "или нажмите «Проверить модель» на странице «Модель» — вызов появится здесь."
    )
    st.stop()


period_col, page_col, model_col, status_col = st.columns(4)
period = period_col.selectbox("Период", list(PERIODS), key="journal_period")
page = page_col.selectbox("Страница", [None, *choices["page"]], format_func=lambda p: page_label(p or "Все"),
                          key="journal_page", placeholder="Все")
model = model_col.selectbox("Модель", [None, *choices["model"]], format_func=lambda m: m or "Все", key="journal_model",
                          placeholder="Все")
status = status_col.selectbox("Статус", [None, *choices["status"]], format_func=lambda s: status_label(s or "Все"),
                              key="journal_status", placeholder="Все")

frame, problem = load_calls(since=period_start(period), page=page, model=model, status=status, limit=LIMIT)
if frame is None:
    st.error(problem or "")
    st.stop()
if frame.empty:
    st.info("Под выбранные фильтры не попал ни один вызов. Расширьте период или выберите «Все».")
    st.stop()

facts = journal_facts(frame, zone)
metric_row(
    [
        ("Вызовов", fmt_int(facts.calls)),
        ("Успешно", fmt_int(facts.ok)),
        ("Текст отклонён", fmt_int(facts.rejected)),
        ("Ошибок", fmt_int(facts.errors)),
        ("Из кэша", fmt_int(facts.cache_hits)),
    ],
    helps=[
        None,
        "Модель ответила, и её текст прошёл проверку чисел.",
        "Модель ответила, но текст не прошёл проверку чисел: вместо него показан текст по шаблону.",
        "Вызовы, завершившиеся ошибкой: сервер недоступен, тайм-аут, модель не найдена…",
        "Ответы, взятые из кэша текстов: модель при этом не запускалась.",
    ],
)
metric_row(
    [
        ("Медиана ответа", f"{fmt_seconds(facts.median_latency_seconds)} с"),
        ("Медиана скорости", f"{fmt_num(facts.median_tokens_per_second, 1)} ток./с"),
    ],
    helps=[
        "Полное время ответа модели по данным сервера (вызовы, где модель ответила; без кэша).",
        "Токенов ответа в секунду генерации (вызовы, где модель ответила; без кэша).",
    ],
)

if facts.points:
    left, right = st.columns(2)
    left.plotly_chart(latency_chart(facts), width="stretch")
    right.plotly_chart(speed_chart(facts), width="stretch")
else:
    st.info("За выбранный период модель ни разу не ответила (только ошибки или ответы из кэша), поэтому "
            "графиков времени ответа и скорости нет. Расширьте период, чтобы увидеть их.")
st.plotly_chart(status_chart(facts), width="stretch")

st.subheader("Вызовы")
if len(frame) == LIMIT:
    st.caption(f"Показаны последние {fmt_int(LIMIT)} вызовов: сузьте период, чтобы увидеть более ранние.")
calls_table(journal_table(frame, zone))
st.download_button(
    "Скачать CSV",
    data=journal_csv(frame, zone),
    file_name="svodka-journal.csv",
    mime="text/csv",
    help="Все поля показанных вызовов, включая отправленные сообщения; разделитель «;», кодировка UTF-8 с BOM "
         "— файл открывается в Excel с русскими настройками.",
)

with st.expander("Что видела модель"):
    call_id = st.selectbox("Вызов №", [int(i) for i in frame["id"]], key="journal_call")
    call = call_record(frame, call_id)
    if not call["messages"]:
        st.caption("Сообщения этого вызова не сохранены.")
    for message in call["messages"] or []:
        st.markdown(f"**{literal(message_role_label(str(message.get('role', ''))))}**")
        st.code(message.get("content", ""), language=None, wrap_lines=True)
    st.markdown("**Ответ**")
    st.code(call["response"] if isinstance(call["response"], str) else "", language=None, wrap_lines=True)
    if isinstance(call["error"], str):
        st.error(escape_markdown(call["error"]))
