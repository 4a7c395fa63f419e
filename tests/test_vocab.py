"""Every member of every shared vocabulary has a Russian label, and the values stay what stored data holds."""

from __future__ import annotations

import json
import re
from enum import StrEnum

import pytest

from lib import vocab
from lib.vocab import ProbeLevel, Severity

CYRILLIC = re.compile(r"[А-Яа-яЁё]")

VOCABULARIES: list[tuple[type[StrEnum], dict]] = [
    (vocab.Severity, vocab.SEVERITY_LABELS),
    (vocab.ProbeLevel, vocab.PROBE_LEVEL_LABELS),
]


@pytest.mark.parametrize(("enum", "labels"), VOCABULARIES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_member_has_a_russian_label(enum: type[StrEnum], labels: dict) -> None:
    assert set(labels) == set(enum)
    for member in enum:
        assert CYRILLIC.search(labels[member]), member


def test_every_enum_in_the_module_is_listed_here() -> None:
    enums = {obj for obj in vars(vocab).values() if isinstance(obj, type) and issubclass(obj, StrEnum)
             and obj is not StrEnum}
    assert enums == {enum for enum, _ in VOCABULARIES}


def test_members_are_their_stored_strings() -> None:
    assert Severity.HIGH == "high"
    assert json.dumps({"severity": Severity.LOW}) == '{"severity": "low"}'
    assert [s.value for s in Severity] == ["high", "medium", "low"]
    assert ProbeLevel("too_slow") is ProbeLevel.TOO_SLOW


def test_message_roles_have_russian_titles_and_unknown_roles_stay_as_they_are():
    from lib.vocab import message_role_label

    assert [message_role_label(r) for r in ("system", "user", "assistant", "tool")] == [
        "Системный промпт", "Сообщение со сводкой фактов", "Ответ модели", "tool"]
