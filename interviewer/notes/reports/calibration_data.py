"""The data of the calibration report (`calibration_report.calibration_pdf`): does the panel hold the same bar."""

from __future__ import annotations

from typing import Any

from interviewer.notes.ratings.calibration import calibration
from interviewer.notes.ratings.calls import by_call
from interviewer.notes.reports.sources import criteria_table, role_kits, role_sessions
from interviewer.notes.store.database import Store


def calibration_summary(store: Store, role: str | None) -> dict[str, Any]:
    """`calibration(store, role)` plus criterion names and colours, in kit order."""
    report = calibration(store, role)
    sessions = role_sessions(store, role) if role else [store.session(r.id) for r in store.sessions()]
    criteria = criteria_table(role_kits(store, sessions), report["criteria"])
    rows = [{**c, **report["criteria"][c["key"]]} for c in criteria if c["key"] in report["criteria"]]
    for r in rows:
        r["anchors"] = {str(k): v for k, v in sorted(r["anchors"].items())}
    names = {c["key"]: c["name"] for c in criteria}
    flags = [{**f, "criterion_name": names.get(f["criterion"], f["criterion"])} for f in report["flags"]]
    return {"role": role or "all roles", "overall_alpha": report["overall_alpha"], "criteria": rows,
            "evaluators": report["evaluators"], "flags": flags, "sessions": len(sessions),
            "by_call": by_call(store, role),
            "ratings": sum(e["ratings"] for e in report["evaluators"].values())}


def alpha_reading(alpha: float | None) -> str:
    """Krippendorff's usual reading of an alpha value."""
    if alpha is None:
        return "not defined yet (needs two evaluators rating the same sessions, and some variation)"
    if alpha >= 0.8:
        return "good agreement (0.8 or more)"
    if alpha >= 0.667:
        return "tentative agreement (0.667 to 0.8)"
    return "low agreement (below 0.667): the panel does not hold the same bar yet"
