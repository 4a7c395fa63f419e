"""Display tables and captions built from facts, Streamlit-free: the pages (through lib/ui) and the headless
report (lib/report) show the same tables. Nothing is computed here, only laid out and written the Russian way.

- `lib.tables.cells` — Russian cell text: «106,21», «14.06.2024», blanks; `display_frame`.
- `lib.tables.analysis` — the analysis pages' tables and captions (columns, groups, trends, relations, quality).
- `lib.tables.overview` — the overview's table of columns.
- `lib.tables.compare` — the «Сравнение» table, its side texts and significance line.
"""
