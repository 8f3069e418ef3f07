"""E-mail digests: one message per user per run, in the user's language, plain text and HTML, with absolute
links (REGISTRY_BASE_URL), sent through SMTP with Python's own smtplib (MAIL_* settings)."""
from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from werkzeug.routing import BuildError

from registry.auth.services import EMAIL_RE
from registry.errors import ZH, in_locale
from registry.notify import events


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def locale_of(user) -> str:
    locale = getattr(user, "locale", None)
    return locale if locale in current_app.config["LANGUAGES"] else ZH


class LinkBuilder:
    """Absolute links from the configured base URL, outside any request."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url or "http://127.0.0.1:5000")
        self.adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                                url_scheme=parts.scheme or "http")

    def __call__(self, endpoint: str, args: dict) -> str:
        try:
            return self.adapter.build(endpoint, args, force_external=True)
        except BuildError:  # a page that no longer exists: the notifications page instead
            return self.adapter.build("notify.notification_list", {}, force_external=True)


def describe(notification, locale: str) -> str:
    """The notification's sentence in `locale`."""
    message = events.message_of(notification.kind, notification.params)
    if message is None:
        return notification.kind
    try:
        return in_locale(locale, message, **notification.params)
    except (KeyError, TypeError, ValueError):
        return in_locale(locale, message)


def compose(user, items, links: LinkBuilder) -> EmailMessage:
    locale = locale_of(user)
    with force_locale(locale):
        entries = [{"text": describe(n, locale), "url": links(n.link_endpoint, n.link_args),
                    "kind": str(events.KINDS[n.kind].label) if n.kind in events.KINDS else n.kind} for n in items]
        context = {"user": user, "entries": entries, "inbox": links("notify.notification_list", {}),
                   "settings": links("auth.account", {})}
        subject = (gettext("Demonstration-base registry: 1 new notification") if len(items) == 1 else
                   gettext("Demonstration-base registry: %(num)s new notifications", num=len(items)))
        text = render_template("notify/digest.txt", **context)
        html = render_template("notify/digest.html", **context, subject=subject,
                               lang="zh-CN" if locale.startswith("zh") else "en")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = formataddr((getattr(user, "display_name", "") or user.username, user.email))
    msg["Message-ID"] = make_msgid(domain="registry")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def check_address(address) -> None:
    """Refuse (SendError) what is not an address before composing or sending anything to it."""
    if not EMAIL_RE.match(address or ""):
        raise SendError(f"bad address {address!r}", bad_address=True)


class Mailer:
    """One SMTP connection for the run, opened on the first message."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
        return False

    def _connect(self):
        c = self.config
        smtp = smtplib.SMTP(c["MAIL_SERVER"], int(c.get("MAIL_PORT") or 25), timeout=c.get("MAIL_TIMEOUT", 30))
        if c.get("MAIL_USE_TLS"):
            smtp.starttls()
        if c.get("MAIL_USERNAME"):
            smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "")
        return smtp

    def send(self, message: EmailMessage, address: str) -> None:
        """Send one message; raises SendError with a one-line reason."""
        check_address(address)
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            refused = self.smtp.send_message(message, to_addrs=[address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            raise SendError(f"address refused {address!r}: {code} {_text(text)}", bad_address=True) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise SendError(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            self._drop()
            server = f"{self.config['MAIL_SERVER']}:{self.config.get('MAIL_PORT') or 25}"
            raise SendError(f"mail server {server}: {type(exc).__name__}: {exc}", server_down=True) from exc
        if refused:
            raise SendError(f"address refused {address!r}", bad_address=True)

    def _drop(self):
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class SendError(Exception):
    """`bad_address`: this recipient only; `server_down`: no use trying the others in this run."""

    def __init__(self, reason: str, bad_address: bool = False, server_down: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.bad_address = bad_address
        self.server_down = server_down
