"""One rule, asked twice: what a user may do to a record now (DESIGN.md convention 16). The
record pages ask ``record_permits`` which buttons to show; the actions ask it before writing.

* ``edit`` / ``delete``: the unit (a branch secretary for his branch's sessions and meetings),
  while the record's phase is open;
* ``correct``: once the phase is frozen (its transition approved, or the participation ended),
  the unit's head or liaison submits a correction with a reason; nobody edits any more.
"""

from __future__ import annotations

from dudao.core.errors import AccessDenied
from dudao.core.permissions import Permits, allow, refuse

from .access import check_writer, rights_for
from .checks import FrozenError, frozen_reason

ACTIONS = ("edit", "delete", "correct")


def record_permits(user, kind, record) -> Permits:
    participation = record.participation
    permits = Permits()
    try:
        check_writer(user, participation, branch_ids=kind.record_branches(record))
    except AccessDenied as exc:
        for action in ACTIONS:
            permits.add(refuse(action, exc.message))
        return permits
    frozen = frozen_reason(participation, record.phase)
    if not kind.editable:
        permits.add(refuse("edit", f"{kind.label}不能修改，请撤销后重新登记。"))
    elif frozen:
        permits.add(refuse("edit", frozen))
    else:
        permits.add(allow("edit"))
    permits.add(refuse("delete", frozen) if frozen else allow("delete"))
    if not frozen:
        permits.add(refuse("correct", "本阶段记录尚未封存，请直接修改。"))
    elif not kind.editable:
        permits.add(refuse("correct", frozen))
    elif user is None or rights_for(user, participation).write_all:
        permits.add(allow("correct"))
    else:
        permits.add(refuse("correct", "已封存记录的更正须由单位主要负责人或联络员提交。"))
    return permits


def require(permits: Permits, action: str, record) -> None:
    """Raise the refusal: FrozenError when the phase is frozen, AccessDenied otherwise."""
    if permits.may(action):
        return
    frozen = frozen_reason(record.participation, record.phase)
    permits.require(action, error=FrozenError if frozen and action != "correct" else AccessDenied)
