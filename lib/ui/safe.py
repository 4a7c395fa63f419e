"""Text from data, files, Kaggle and servers, made safe to show: it appears literally, never as markup.

`literal` is for everything Streamlit renders as markdown (st.markdown, st.caption, st.info/warning/error,
st.subheader, widget labels). Plotly titles and labels read HTML instead: `lib.charts.chart_text`.
"""

from __future__ import annotations

import re

from lib.verify import escape_markdown

_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]+\s*")
_ENTITY = re.compile(r"&")  # `&lt;` would show as `<`


def literal(text: object) -> str:
    """`text` as markdown that renders exactly as written, on one line.

    Backslash-escapes every markdown and Streamlit-markdown character (images, links, headings, emphasis,
    code, HTML tags, `$` math, `:color[…]` directives and `:emoji:` codes, list markers, tables), entities
    (`&`) and line breaks and edge spaces, which would start a new block (a heading, a list, code).
    """
    one_line = _LINE_BREAKS.sub(" ", str(text)).strip()  # a leading indent would start a code block
    return _ENTITY.sub(r"\\&", escape_markdown(one_line))
