"""Mail transport: SMTP when `ORDERWORKS_SMTP_HOST` is set, otherwise an .eml file per message under
var_dir/mail (the embedded default: the demo shows them in the back office). Builds the MIME message too:
multipart/alternative (plain text and HTML), with attachments in a multipart/mixed around it."""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol

from orderworks.core.settings import Settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class Outgoing:
    """A message ready to go: who, what, and the Message-ID that stays the same on every resend."""

    key: str
    message_id: str
    sender_name: str
    sender: str
    to: str
    subject: str
    text: str
    html: str
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())


class SendFailed(Exception):
    """The message did not go out (the server refused or could not be reached); it is retried later."""


def build_mime(out: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = out.subject
    msg["From"] = formataddr((out.sender_name, out.sender))
    msg["To"] = out.to
    if out.reply_to:
        msg["Reply-To"] = out.reply_to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = out.message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to an order email
    msg.set_content(out.text)
    msg.add_alternative(out.html, subtype="html")
    for a in out.attachments:
        msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype, filename=a.filename)
    return msg


class Transport(Protocol):
    def send(self, out: Outgoing) -> str | None:
        """Send the message; returns where it was written (an .eml path) or None. Raises SendFailed."""
        ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    def send(self, out: Outgoing) -> str | None:
        msg = build_mime(out)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"SMTP {self.host}:{self.port}: {exc}") from exc
        return None


@dataclass(frozen=True)
class EmlTransport:
    """Writes each message as <directory>/<key>.eml (a resend overwrites its file, never adds a second one)."""

    directory: Path

    def send(self, out: Outgoing) -> str | None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{_safe(out.key)}.eml"
        tmp = path.with_suffix(".eml.tmp")
        tmp.write_bytes(bytes(build_mime(out)))
        tmp.replace(path)  # atomic: a reader never sees half a message
        return str(path)


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)[:150]


def transport_from_settings(settings: Settings) -> Transport:
    if settings.smtp_host:
        return SmtpTransport(settings.smtp_host, settings.smtp_port, settings.smtp_username,
                             settings.smtp_password, settings.smtp_starttls, settings.smtp_timeout_seconds)
    return EmlTransport(Path(settings.var_dir) / "mail")
