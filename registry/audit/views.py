from flask import Blueprint, render_template, request

from registry.audit import words
from registry.audit.queries import ACTIONS, audit_entries, audited_tables, base_codes
from registry.authz import ADMIN, allow
from registry.errors import _l
from registry.extensions import db
from registry.nav import register_nav
from registry.orgs.services import find_base

bp = Blueprint("audit", __name__, url_prefix="/audit")

ACTION_LABELS = {"create": _l("Created"), "update": _l("Updated"), "delete": _l("Deleted")}


@bp.route("/")
@allow(ADMIN)
def audit_list():
    args = request.args
    base_code = (args.get("base") or "").strip()
    base_id = None
    if base_code:
        base = find_base(base_code)
        base_id = base.id if base is not None else -1  # an unknown code matches nothing
    action = args.get("action") if args.get("action") in ACTIONS else None
    stmt = audit_entries(table=args.get("table") or None, actor=args.get("actor") or None, base_id=base_id,
                         record_id=args.get("record_id", type=int), action=action)
    page = db.paginate(stmt, per_page=args.get("per_page", 50, type=int) or 50, max_per_page=200, error_out=False)
    references = words.load_references(page.items)
    return render_template("audit/list.html", page=page, actions=ACTION_LABELS,
                           tables=sorted(((t, str(words.table_label(t))) for t in audited_tables()),
                                         key=lambda pair: pair[1]),
                           codes=base_codes(e.base_id for e in page.items),
                           entries=[(e, words.entry_words(e, references)) for e in page.items])


@bp.app_template_filter("audit_value")
def audit_value(value):
    if value is None:
        return "∅"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "∅"
    return str(value)


def register() -> None:
    """This area's navigation entry (called from the area's setup())."""
    register_nav(90, "audit.audit_list", _l("Audit log"), (ADMIN,))
