"""Evidence lists other pages read: the files of a record, and how many each record of a list has."""
from __future__ import annotations

from sqlalchemy import func, select

from registry.evidence.models import Attachment
from registry.extensions import db


def attachments_for(record_type: str, record_id: int) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.record_type == record_type,
                                                            Attachment.record_id == record_id)
                                   .order_by(Attachment.created_at, Attachment.id)))


def attachment_counts(record_type: str, record_ids) -> dict[int, int]:
    """{record_id: number of files} for a page of records, in one query."""
    ids = list(record_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Attachment.record_id, func.count())
                              .where(Attachment.record_type == record_type, Attachment.record_id.in_(ids))
                              .group_by(Attachment.record_id))
    return dict(rows.all())


def base_file_counts(base_ids) -> dict[int, int]:
    """{base_id: number of evidence files}, one query."""
    ids = list(base_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Attachment.base_id, func.count()).where(Attachment.base_id.in_(ids))
                                   .group_by(Attachment.base_id)).all())
