"""The verifier on its corpus (tests/corpus/): every planted wrong number caught, at most 2 % of correct texts
rejected. The narratives were written from the real payloads before the verifier ran on them."""

from __future__ import annotations

from collections import Counter

from tests.corpus.load import narratives, payload, score

CLASSES = {"absent", "other_entity", "unit", "period", "sign", "coincidental", "label", "multiplier",
           "pp_vs_percent", "hedge", "no_numbers", "filter"}


def test_corpus_is_large_and_covers_every_page_source_and_class():
    items = narratives()
    sheets = {item.sheet for item in items}
    assert len(items) >= 250 and len(sheets) >= 30
    kinds = {sheet.split("_")[1] for sheet in sheets}
    assert kinds == {"overview", "columns", "groups", "trends", "relations", "quality"}
    sources = {sheet.split("_")[0] for sheet in sheets}
    assert {"flights", "sales", "staff", "delivery"} <= sources
    assert any("фильтры" in payload(sheet) for sheet in sheets) and any("фильтры" not in payload(sheet)
                                                                        for sheet in sheets)
    classes = Counter(item.error_class for item in items if item.verdict == "wrong")
    assert set(classes) == CLASSES
    assert {item.verdict for item in items} == {"ok", "wrong"}


def test_every_wrong_number_is_caught_and_at_most_two_percent_of_right_texts_rejected():
    result = score()
    missed = [(n.source, n.error_class, n.text) for n, _ in result.failures if n.verdict == "wrong"]
    rejected = [(n.source, n.text, why) for n, why in result.failures if n.verdict == "ok"]
    assert result.catch_rate == 1.0, missed
    assert result.false_alarm_rate <= 0.02, rejected
