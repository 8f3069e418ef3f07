"""Quality assurance (三(四), 五(二)): site visits during review, self-assessments, third-party
assessments, supervision visits with their evidence; reviewers' declared affiliations and the
experts assigned to a base, never one of its own university or enterprises."""
from __future__ import annotations

from registry import web
from registry.audit import words as audit_words
from registry.quality import models, services, views  # noqa: F401 (models: the tables)


def setup(app) -> None:
    """Called once per app by `registry.create_app`, in the order of `registry.AREAS`."""
    web.set_up_area(app, views)
    audit_words.register_labels(services.LABELS)
