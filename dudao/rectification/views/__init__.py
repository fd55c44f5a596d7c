"""Rectification pages. Thin: fetch through ``access`` (404 outside scope) → the permits
function, a selector or an action → render, or a message and a redirect. Forms work without
JavaScript and on a phone.

One module per area (a unit's ledger, one item, overviews and lists, the public list, registers
and the look-back; shared helpers in ``_common``); ``urls.py`` keeps writing ``views.todo``."""

from __future__ import annotations

from ._common import PAGE_SIZE
from .item import (
    attachment,
    item_apply_close,
    item_decide_extension,
    item_detail,
    item_explain,
    item_extension,
    item_progress,
    item_sign_off,
)
from .overviews import campaign_list, campaign_list_export, campaign_overview, group_overview, todo
from .public import public_list, public_qr
from .regulations import (
    area_status,
    item_look_back,
    regulation_add,
    regulation_check,
    special_action_add,
    unit_look_back,
    unit_registers,
)
from .unit import from_plan, item_new, ledger_export, ledger_import, publish, unit_items

__all__ = [
    "PAGE_SIZE",
    "area_status",
    "attachment",
    "campaign_list",
    "campaign_list_export",
    "campaign_overview",
    "from_plan",
    "group_overview",
    "item_apply_close",
    "item_decide_extension",
    "item_detail",
    "item_explain",
    "item_extension",
    "item_look_back",
    "item_new",
    "item_progress",
    "item_sign_off",
    "ledger_export",
    "ledger_import",
    "public_list",
    "public_qr",
    "publish",
    "regulation_add",
    "regulation_check",
    "special_action_add",
    "todo",
    "unit_items",
    "unit_look_back",
    "unit_registers",
]
