"""Deterministic Russian narratives built from a fact sheet's payload.

Shown when Ollama is unavailable or the model's text fails verification. Every number is taken from
`facts.payload()` (the dict the verifier checks against) and formatted by `lib.fmt`, so a template always
passes `lib.verify.verify_numbers(text, facts.payload())`; plural agreement comes from Babel's CLDR rules.

One module per kind; the registry below lists them explicitly. A kind without a template gets
`generic_template`: the top-level figures of its payload.
"""

from __future__ import annotations

from collections.abc import Callable

from lib.facts.base import FactSheet
from lib.narration.templates.columns import columns_template
from lib.narration.templates.common import EMPTY_TEXT
from lib.narration.templates.compare import compare_template
from lib.narration.templates.generic import generic_template
from lib.narration.templates.groups import groups_template
from lib.narration.templates.overview import overview_template
from lib.narration.templates.quality import quality_template
from lib.narration.templates.relations import relations_template
from lib.narration.templates.trends import trends_empty_template, trends_template

Template = Callable[[FactSheet], str]

TEMPLATES: dict[str, Template] = {
    "overview": overview_template,
    "columns": columns_template,
    "groups": groups_template,
    "trends": trends_template,
    "relations": relations_template,
    "quality": quality_template,
    "compare": compare_template,
}

# an empty sheet of these kinds can have rows: it says why it is empty instead of blaming the filters
EMPTY_TEMPLATES: dict[str, Template] = {"trends": trends_empty_template}

__all__ = ["EMPTY_TEMPLATES", "EMPTY_TEXT", "TEMPLATES", "Template", "generic_template", "template_narrative"]


def template_narrative(facts: FactSheet) -> str:
    """The deterministic narrative for `facts`, 3–6 sentences of plain Russian."""
    if facts.is_empty:
        return EMPTY_TEMPLATES.get(facts.kind, lambda _: EMPTY_TEXT)(facts)
    return TEMPLATES.get(facts.kind, generic_template)(facts)
