"""Every write to campaign set-up: campaigns from templates, batches, groups, enrolment,
inspection groups. One module per seam; callers keep writing
``from dudao.campaigns import actions; actions.create_campaign(...)``.

Set-up pages call the composite, guarded and idempotent actions: each is one transaction; a
repeated submission returns what the first one made, and an edit made from a page someone
else has changed since is refused (ConflictError), never silently overwritten.
"""

from __future__ import annotations

from .batches import (
    add_batch,
    batch_signature,
    edit_batch,
    update_batch,
)
from .campaign import (
    campaign_signature,
    create_campaign,
    create_campaign_from_template,
    first_phase_code,
    update_campaign,
)
from .enrolment import (
    assign_unit_to_group,
    change_unit_group,
    enrol_unit,
    enrol_units,
    withdraw_unit,
)

# The admin's participation form runs the same check before saving.
from .groups import (
    _check_group_members_not_from,  # noqa: F401
    create_group,
    create_group_with_roster,
    edit_group,
    group_roster,
    group_signature,
    update_group,
)
from .inspection import (
    assign_inspection_departments,
    create_inspection_group,
    inspection_signature,
    set_up_inspection_group,
)

__all__ = [
    "add_batch",
    "assign_inspection_departments",
    "assign_unit_to_group",
    "batch_signature",
    "campaign_signature",
    "change_unit_group",
    "create_campaign",
    "create_campaign_from_template",
    "create_group",
    "create_group_with_roster",
    "create_inspection_group",
    "edit_batch",
    "edit_group",
    "enrol_unit",
    "enrol_units",
    "first_phase_code",
    "group_roster",
    "group_signature",
    "inspection_signature",
    "set_up_inspection_group",
    "update_batch",
    "update_campaign",
    "update_group",
    "withdraw_unit",
]
