"""A real SMTP server on loopback (aiosmtpd) and a world with one event of every kind as of AS_OF."""
from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest

from registry.extensions import db

AS_OF = dt.date(2024, 9, 1)
BASE_URL = "https://registry.example.edu/app"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()


@dataclass
class Handler:
    """Keeps every message; refuses recipients whose address starts with "refused"."""

    received: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


@contextlib.contextmanager
def config(app, **values):
    old = {k: app.config.get(k) for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


@pytest.fixture
def mail_config(app, smtp_server):
    """The app e-mails through the loopback server, with absolute links under BASE_URL."""
    with config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False,
                MAIL_DEFAULT_SENDER="registry@example.edu", REGISTRY_BASE_URL=BASE_URL, MAIL_TIMEOUT=5):
        yield smtp_server


def add_mentor(base, name, side, staff_no, starts_on=dt.date(2020, 1, 1), ends_on=None):
    from registry.mentors.models import Appointment, Mentor

    m = Mentor(name=name, side=side, organisation="星海航天动力研究所" if side == "enterprise" else "示范工业大学",
               staff_no=staff_no)
    db.session.add(m)
    db.session.flush()
    a = Appointment(base_id=base.id, mentor_id=m.id, starts_on=starts_on, ends_on=ends_on)
    db.session.add(a)
    db.session.flush()
    return m, a


def set_status(base, *steps):
    """Write the base's history directly: (to_status, effective_on, deadline) steps."""
    from registry.checks.lifecycle import cycle_end
    from registry.checks.models import Cycle, StatusChange

    current = base.status
    cycle = None
    for to, on, deadline in steps:
        db.session.add(StatusChange(base_id=base.id, from_status=current, to_status=to, effective_on=on,
                                    reason="test", deadline=deadline))
        if to == "recognised":  # recognition opens construction cycle 1, as the life-cycle step does
            cycle = Cycle(base_id=base.id, number=1, starts_on=on, ends_on=cycle_end(on))
            db.session.add(cycle)
        elif cycle is not None and to == "rectification":
            cycle.state = "rectification"
        current = to
    base.status = current
    db.session.flush()


def commit():
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@pytest.fixture
def events_world(world):
    """As of AS_OF (2024-09-01), every kind of event:

    - SF-AP-01 (coord, unicoord): the world's enterprise mentor (account `mentor`) ends on 2024-09-20, which
      leaves 0 of 2 enterprise mentors (ratio warning) and is an appointment ending within 30 days; the
      base is in construction since 2023-01-10 (cycle 1; construction year 2 from 2024-01-10) with no annual
      plan of year 2 and no summary of year 1, and in
      rectification with a deadline of 2024-09-25;
    - round 2024 closes on 2024-09-10 (university coordinators; coord2's base SL-SO-01 is preparing);
    - round 2023 holds SL-SO-02 (submitted, reviewer assigned, no review) and round 2022 holds SL-SO-03
      (submitted, no reviewer at all).
    """
    from registry.checks.models import ApplicationRound, RoundReviewer, Submission
    from registry.mentors.models import Appointment
    from registry.orgs import services as orgs
    from sqlalchemy import select

    w = world
    appt = db.session.scalar(select(Appointment).where(Appointment.mentor_id == w.mentor_record.id))
    appt.ends_on = dt.date(2024, 9, 20)
    add_mentor(w.base, "王教授", "university", "U001")
    add_mentor(w.base, "赵教授", "university", "U002")
    set_status(w.base, ("recognised", dt.date(2023, 1, 10), None), ("in_construction", dt.date(2023, 1, 10), None),
               ("rectification", dt.date(2024, 6, 1), dt.date(2024, 9, 25)))
    w.round = ApplicationRound(year=2024, name="2024年度", opens_on=dt.date(2024, 6, 1), deadline=dt.date(2024, 9, 10))
    w.round_old = ApplicationRound(year=2023, name="2023年度", opens_on=dt.date(2023, 6, 1),
                                   deadline=dt.date(2023, 11, 15))
    w.round_none = ApplicationRound(year=2022, name="2022年度", opens_on=dt.date(2022, 6, 1),
                                    deadline=dt.date(2022, 11, 15))
    db.session.add_all([w.round, w.round_old, w.round_none])
    db.session.flush()
    w.base3 = orgs.create_base("SL-SO-02", name="第二船舶基地", university=w.uni2, enterprises=[w.ent2],
                               field="ships_ocean", cooperation_since=dt.date(2018, 3, 1), actor=None)
    w.base4 = orgs.create_base("SL-SO-03", name="第三船舶基地", university=w.uni2, enterprises=[w.ent2],
                               field="ships_ocean", cooperation_since=dt.date(2018, 3, 1), actor=None)
    w.sub = Submission(round_id=w.round_old.id, base_id=w.base3.id, university_id=w.uni2.id,
                       submitted_on=dt.date(2023, 11, 1), eligible=True, snapshot={})
    w.sub_none = Submission(round_id=w.round_none.id, base_id=w.base4.id, university_id=w.uni2.id,
                            submitted_on=dt.date(2022, 11, 1), eligible=True, snapshot={})
    db.session.add_all([w.sub, w.sub_none, RoundReviewer(round_id=w.round_old.id, user_id=w.reviewer.id)])
    db.session.flush()
    set_status(w.base3, ("submitted", dt.date(2023, 11, 1), None))
    set_status(w.base4, ("submitted", dt.date(2022, 11, 1), None))
    w.admin.email = "admin@example.edu"
    w.reviewer.email = "reviewer@example.edu"
    w.unicoord.email = "unicoord@example.edu"
    w.coord.email = "coord@example.edu"
    w.coord.locale = "en"
    w.coord2.email = "coord2@example.edu"
    w.mentor.email = "mentor@example.edu"
    db.session.flush()
    commit()
    return w


def send(runner, *args, as_of=AS_OF):
    result = runner.invoke(args=["notify", "send", "--as-of", as_of.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result


def notifications(user=None, kind=None):
    from sqlalchemy import select

    from registry.notify.models import Notification

    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))
