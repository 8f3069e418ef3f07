"""The search box of the navigation: `/search?q=` over bases, mentors and organisations."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from registry.authz import ALL, actor, allow
from registry.search import queries

bp = Blueprint("search", __name__)


@bp.route("/search")
@allow(*ALL)
def search():
    q = (request.args.get("q") or "").strip()[:queries.MAX_QUERY]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1000))
    results = {}
    if q:
        user = actor()
        results = {"bases": queries.bases(user, q, page), "mentors": queries.mentors(user, q, page),
                   "universities": queries.universities(user, q, page),
                   "enterprises": queries.enterprises(user, q, page)}
    return render_template("search/results.html", q=q, page=page, results=results,
                           pages=max((r["pages"] for r in results.values()), default=1))
