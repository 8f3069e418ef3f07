from flask import Blueprint, render_template, request

from registry.audit.queries import audit_entries
from registry.authz import ADMIN, allow
from registry.errors import _l
from registry.extensions import db
from registry.nav import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav(90, "audit.audit_list", _l("Audit log"), (ADMIN,))


@bp.route("/")
@allow(ADMIN)
def audit_list():
    args = request.args
    stmt = audit_entries(table=args.get("table") or None, actor=args.get("actor") or None,
                         base_id=args.get("base_id", type=int), record_id=args.get("record_id", type=int),
                         action=args.get("action") or None)
    page = db.paginate(stmt, per_page=50, max_per_page=200, error_out=False)
    return render_template("audit/list.html", page=page)
