"""Report digests by e-mail: a short HTML body (each page's headline figures and narrative with its verdict)
and the document attached, sent through the SMTP server of the SVODKA_SMTP_* settings (lib/config.py)."""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib.config import setting
from lib.errors import SvodkaError
from lib.report.html import verdict_line
from lib.report.model import Metrics, Report

MAIL_TIMEOUT = 30.0  # seconds per SMTP operation
MIME_TYPES = {"html": ("text", "html"), "pdf": ("application", "pdf"), "md": ("text", "markdown")}
TRUE_WORDS = {"1", "true", "yes", "on", "да"}


class MailError(SvodkaError):
    """The digest could not be sent; `user_message` says what to check."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    sender: str

    @classmethod
    def from_env(cls) -> SmtpSettings:
        port = setting("SVODKA_SMTP_PORT")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise MailError(f"SVODKA_SMTP_PORT = «{port}» — не номер порта: нужно число от 1 до 65535 (обычно 587).")
        return cls(host=setting("SVODKA_SMTP_HOST"), port=int(port), user=setting("SVODKA_SMTP_USER"),
                   password=setting("SVODKA_SMTP_PASSWORD"),
                   starttls=setting("SVODKA_SMTP_STARTTLS").lower() in TRUE_WORDS,
                   sender=setting("SVODKA_SMTP_FROM"))


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def digest_html(report: Report) -> str:
    """The letter: per page its headline figures and its narrative with the verdict; the rest is attached."""
    cover = report.cover
    parts = [f"<h1>{esc(report.title)}</h1>",
             f"<p>{esc(cover.source)} · {esc(cover.size)} · фильтры: {esc(cover.filters)} · {esc(cover.created)}</p>"]
    for section in report.sections:
        parts.append(f"<h2>{esc(section.title)}</h2>")
        if section.notice:
            parts.append(f"<p><i>{esc(section.notice)}</i></p>")
        metrics = next((b for b in section.blocks if isinstance(b, Metrics)), None)
        if metrics is not None:
            parts.append("<ul>" + "".join(f"<li>{esc(label)}: <b>{esc(value)}</b></li>"
                                          for label, value in metrics.items) + "</ul>")
        if section.narrative is not None:
            parts.append(f"<p>{esc(section.narrative.text)}</p>")
            parts.append(f"<p><small>{esc(verdict_line(section.narrative))}</small></p>")
    parts.append(f"<p><small>Полный отчёт с таблицами и графиками — во вложении. Сводка {esc(cover.version)}."
                 "</small></p>")
    head = '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"></head><body>'
    return head + "".join(parts) + "</body></html>"


def digest_text(report: Report) -> str:
    lines = [report.title, ""]
    for section in report.sections:
        lines.append(section.title)
        if section.narrative is not None:
            lines += [section.narrative.text, verdict_line(section.narrative)]
        lines.append("")
    lines.append("Полный отчёт — во вложении.")
    return "\n".join(lines)


def build_message(report: Report, document: bytes, filename: str, fmt: str, *, to: Sequence[str],
                  sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = " ".join(report.title.split())[:200]  # a dataset name with line breaks stays one header
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="svodka.local")
    message.set_content(digest_text(report))
    message.add_alternative(digest_html(report), subtype="html")
    maintype, subtype = MIME_TYPES.get(fmt, ("application", "octet-stream"))
    message.add_attachment(document, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send_report(report: Report, document: bytes, filename: str, fmt: str, *, to: Sequence[str],
                settings: SmtpSettings | None = None) -> None:
    """Send the digest to `to`. Raises MailError (Russian message) when it cannot be sent."""
    settings = settings or SmtpSettings.from_env()
    if not settings.host:
        raise MailError("Письмо не отправлено: не задан сервер почты. Укажите SVODKA_SMTP_HOST (и при необходимости "
                        "SVODKA_SMTP_PORT, SVODKA_SMTP_USER, SVODKA_SMTP_PASSWORD, SVODKA_SMTP_FROM).")
    bad = [address for address in to if "@" not in address]
    if bad:
        raise MailError(f"«{bad[0]}» — не адрес почты: нужен вид имя@домен.")
    message = build_message(report, document, filename, fmt, to=to, sender=settings.sender)
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=MAIL_TIMEOUT) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"Сервер почты {where} не принял логин и пароль (SVODKA_SMTP_USER, SVODKA_SMTP_PASSWORD).",
                        detail=str(error)) from error
    except smtplib.SMTPNotSupportedError as error:
        raise MailError(f"Сервер почты {where} не поддерживает STARTTLS: задайте SVODKA_SMTP_STARTTLS=0, если он "
                        "в доверенной сети, или укажите другой порт.", detail=str(error)) from error
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"Письмо не отправлено: сервер почты {where} недоступен или отказал "
                        f"({type(error).__name__}). Проверьте SVODKA_SMTP_HOST и SVODKA_SMTP_PORT.",
                        detail=str(error)) from error
