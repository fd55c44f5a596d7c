"""The campaign page's figures are cached per campaign and scope, keyed by the audit head:
a second read counts nothing again, and the next audited write shows at once."""

from __future__ import annotations

import copy

from dudao.records.actions import delete_record
from dudao.records.models import Meeting
from dudao.reports import cache
from dudao.reports.selectors import Filters


def test_a_hit_reads_no_tables_and_a_write_shows_at_once(
    cast2005, records2005, django_assert_max_num_queries
):
    office = cast2005.user("office")
    camp = cast2005.campaign
    report, drawn = cache.campaign_page(office, camp, Filters())
    assert report.values["forums"] == 4 and drawn
    with django_assert_max_num_queries(3):  # the scope and the audit head
        again, drawn_again = cache.campaign_page(office, camp, Filters())
    assert again.values == report.values and again.by_group == report.by_group
    assert drawn_again == drawn
    forum = Meeting.objects.filter(participation=records2005["b"], kind="forum").first()
    delete_record("meetings", actor=cast2005.user("admin"), record=forum, reason="重复登记，删除")
    after, _ = cache.campaign_page(office, camp, Filters())
    assert after.values["forums"] == 3


def test_scopes_filters_and_the_template_have_their_own_entries(cast2005, records2005):
    camp = cast2005.campaign
    office, leader = cast2005.user("office"), cast2005.user("group_leader")
    assert cache.campaign_page(office, camp, Filters())[0].values["forums"] == 4
    assert cache.campaign_page(leader, camp, Filters())[0].values["forums"] == 1
    by_phase = cache.campaign_page(office, camp, Filters(phase="analysis"))[0]
    assert by_phase.values["forums"] == 1
    template = camp.template
    data = copy.deepcopy(template.data)
    data["reports"]["tallies"] = [{"key": "meetings", "code": "all_meetings", "label": "会议"}]
    template.data = data
    template.save(update_fields=["data"])
    camp.refresh_from_db()
    changed = cache.campaign_page(office, camp, Filters())[0]
    assert list(changed.values) == ["all_meetings"] and changed.values["all_meetings"] == 5
