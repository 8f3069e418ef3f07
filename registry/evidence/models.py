"""Evidence (佐证材料): files attached to any record of a base, kept outside the web root."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models_common import Audited, TimestampMixin


class Attachment(Audited, TimestampMixin, db.Model):
    """One stored file attached to one record (`record_type` + `record_id`) of one base.

    `base_id` is copied from the record when the file is attached: who may download it is
    decided by that base alone. `stored_name` is random; `sha256` proves the bytes unchanged.
    """

    __tablename__ = "evidence_attachment"
    __table_args__ = (Index("ix_attachment_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("base.id", ondelete="RESTRICT"), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(120))  # sniffed from the bytes, never from the name
    extension: Mapped[str] = mapped_column(String(8))  # of the sniffed type: pdf, docx, ...
    description: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    def audit_label(self) -> str:
        return f"{self.record_type}#{self.record_id}: {self.original_name}"

    @property
    def download_name(self) -> str:
        """The original name with the extension of what the file really is."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name
        return f"{stem or 'evidence'}.{self.extension}"
