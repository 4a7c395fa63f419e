import streamlit as st

from lib.charts.quality import missing_by_column_chart, outliers_chart
from lib.facts.quality import SEVERITIES, quality_facts
from lib.facts.shared import skipped_columns_note
from lib.fmt import fmt_int, fmt_pct
from lib.ui.analysis import alerts_table, page_header, stop_if_empty
from lib.ui.facts import facts_for
from lib.ui.narrative import narrative_panel
from lib.ui.tables import show_table
from lib.ui.widgets import metric_row

page_header("Качество данных")
facts = facts_for(quality_facts)
stop_if_empty(facts, "В наборе нет строк.")

summary = st.container()

metric_row(
    [
        ("Пустых ячеек", fmt_int(facts.missing_cells)),
        ("Доля пустых", fmt_pct(facts.missing_share)),
        ("Строк-дубликатов", fmt_int(facts.duplicate_rows)),
        ("Предупреждений", fmt_int(len(facts.alerts))),
    ]
)
counts = facts.severity_counts()
st.subheader("Предупреждения")
if (note := skipped_columns_note(facts.columns, facts.skipped_columns)) is not None:
    st.caption(note)
st.caption("По важности: " + ", ".join(f"{label} — {fmt_int(counts[key])}" for key, label in SEVERITIES.items()))
if facts.alerts:
    show_table(alerts_table(facts))
else:
    st.success("Проблем не найдено.")
left, right = st.columns(2)
if facts.missing:
    left.plotly_chart(missing_by_column_chart(facts), width="stretch")
else:
    left.success("Пропусков нет.")
if facts.outliers:
    right.plotly_chart(outliers_chart(facts), width="stretch")

narrative_panel(facts, into=summary)
