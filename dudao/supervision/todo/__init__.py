"""The to-do providers of the apps this one reads (transitions, reviews, rectification) and of
its own work (problems, spot-checks, weekly reports), registered with ``dudao.core.todo``.

Each provider narrows by the user's scope (``dudao.orgs.access.scope_for``, computed once per
request) and answers its count in one query. Who a document waits on comes from the
template's document kinds (``reviewed_by``: study notes wait with the branch secretary, not
the supervision group).

One module per area whose work waits on someone (transitions, reviews, rectification, this
app's problems, spot-checks and weekly reports, typical experiences, roving inspection; shared
helpers in ``_common``); the providers are registered here, in their old order.
"""

from __future__ import annotations

from ._common import NOTHING, PERSONAL, _provider
from .experiences import EXPERIENCE_WAITS, experiences_items, experiences_q
from .inspection import (
    SENT_REPORT,
    findings_items,
    findings_q,
    received_items,
    received_q,
    report_due_items,
    report_due_q,
    unvisited_items,
    unvisited_q,
)
from .problems import checks_items, checks_q, problems_items, problems_q, reports_items, reports_q
from .rectification import rect_items, rect_q
from .reviews import returned_items, returned_q, waiting_items, waiting_q
from .transitions import (
    extensions_items,
    extensions_q,
    queue_items,
    queue_q,
    remedial_items,
    remedial_q,
    sent_back_items,
    sent_back_q,
)

_provider("transitions.remedial", "补课通知", remedial_q, remedial_items, 10)
_provider("transitions.sent_back", "转段申请被退回", sent_back_q, sent_back_items, 11)
_provider("transitions.queue", "待审核的转段申请", queue_q, queue_items, 12)
_provider("transitions.extensions", "待决定的延期", extensions_q, extensions_items, 13)
_provider("reviews.returned", "退回修改的文书", returned_q, returned_items, 20)
_provider("reviews.waiting", "待审核的文书", waiting_q, waiting_items, 21)
_provider("rectification.items", "整改事项", rect_q, rect_items, 30)
_provider("supervision.problems", "督导组发现的问题", problems_q, problems_items, 40)
_provider("supervision.spot_checks", "待核实的抽查", checks_q, checks_items, 41)
_provider("supervision.reports", "督导组周报", reports_q, reports_items, 50)
_provider("supervision.experiences", "典型经验", experiences_q, experiences_items, 45)
_provider("supervision.unvisited", "本检查周期尚未检查的单位", unvisited_q, unvisited_items, 60)
_provider("supervision.findings", "未落实待复查的制度和机制", findings_q, findings_items, 61)
_provider(
    "supervision.inspection_due",
    "待报送领导小组的检查报告",
    report_due_q,
    report_due_items,
    62,
)
_provider(
    "supervision.inspection_received",
    "巡回检查组报送的检查报告",
    received_q,
    received_items,
    63,
)


__all__ = [
    "EXPERIENCE_WAITS",
    "NOTHING",
    "PERSONAL",
    "SENT_REPORT",
    "checks_items",
    "checks_q",
    "experiences_items",
    "experiences_q",
    "extensions_items",
    "extensions_q",
    "findings_items",
    "findings_q",
    "problems_items",
    "problems_q",
    "queue_items",
    "queue_q",
    "received_items",
    "received_q",
    "rect_items",
    "rect_q",
    "remedial_items",
    "remedial_q",
    "report_due_items",
    "report_due_q",
    "reports_items",
    "reports_q",
    "returned_items",
    "returned_q",
    "sent_back_items",
    "sent_back_q",
    "unvisited_items",
    "unvisited_q",
    "waiting_items",
    "waiting_q",
]
