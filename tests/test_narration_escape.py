"""Names from settings and servers (an Ollama host, a model tag, live model text) reach Streamlit as markdown:
they must come back escaped, so an image, a link or a heading in them shows as written."""

from __future__ import annotations

from lib.errors import NarrationError
from lib.narration.kinds import ErrorKind
from lib.narration.ollama import MESSAGES, narration_error, plain_text

HOSTILE_HOST = "![x](http://e/i.png) # h"
ESCAPED_HOST = r"\!\[x\]\(http\://e/i\.png\) \# h"


def test_a_hostile_host_comes_back_escaped_in_every_message_that_names_it():
    kinds = [kind for kind, template in MESSAGES.items() if "{host}" in template]
    assert set(kinds) == {ErrorKind.BAD_HOST, ErrorKind.CONNECTION, ErrorKind.NOT_OLLAMA}
    for kind in kinds:
        message = narration_error(kind, host=HOSTILE_HOST).user_message
        assert ESCAPED_HOST in message, kind
        assert "![x](" not in message and "](http" not in message
        assert HOSTILE_HOST in plain_text(message)  # the journal stores what the user saw, as text


def test_a_hostile_model_name_comes_back_escaped_and_leaves_the_code_span_alone():
    model = "m`x` ![i](http://e/i.png)"
    for kind in (ErrorKind.NOT_FOUND, ErrorKind.PULL):
        message = narration_error(kind, model=model).user_message
        assert r"«m\`x\` \!\[i\]\(http\://e/i\.png\)»" in message
        assert "![i](" not in message
    message = narration_error(ErrorKind.NOT_FOUND, model=model).user_message
    assert r"командой ollama pull m\`x\` \!\[i\]\(http\://e/i\.png\), либо" in message  # no code span to break


def test_a_plain_tag_reads_the_same_and_keeps_its_code_span():
    message = narration_error(ErrorKind.NOT_FOUND, model="qwen2.5:14b").user_message
    assert r"Модели «qwen2\.5\:14b» нет на сервере Ollama." in message  # renders as «qwen2.5:14b»
    assert "командой `ollama pull qwen2.5:14b`, либо" in message  # inside a code span escapes would show
    assert "«qwen2.5:14b»" in plain_text(message)


def test_every_template_field_is_escaped_or_a_number():
    fields = {"host", "model", "pull_command", "timeout", "limit", "error"}
    import string

    for kind, template in MESSAGES.items():
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert used <= fields, kind
    error = narration_error(ErrorKind.SERVER, error="**жирный** [ссылка](http://e)")
    assert isinstance(error, NarrationError)
    assert r"\*\*жирный\*\* \[ссылка\]\(http\://e\)" in error.user_message


def test_messages_are_keyed_by_error_kind_and_plain_strings_still_work():
    assert all(type(kind) is ErrorKind for kind in MESSAGES)
    assert set(MESSAGES) == set(ErrorKind) - {ErrorKind.EMPTY}
    by_member = narration_error(ErrorKind.BUSY)
    by_string = narration_error("busy")  # the journal's stored kinds are plain strings
    assert by_member.user_message == by_string.user_message == (
        "Сервер Ollama занят другими запросами (очередь переполнена). Подождите немного "
        "и нажмите «Сгенерировать заново».")
    assert type(by_string.kind) is ErrorKind and by_string.kind == "busy"
