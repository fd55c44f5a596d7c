"""Study notes per member: typed by the member himself, or entered by the unit on his behalf from
a .docx; they are documents of kind study_note in the reviews app and counted per member."""

from __future__ import annotations

import io

import pytest
from docx import Document as WordDocument

from dudao.reviews.models import Document

pytestmark = pytest.mark.django_db


def test_a_member_writes_his_own_note_and_the_unit_uploads_one_for_another(client, cast, pa):
    client.force_login(cast.user("member"))
    me = cast.people["member"]
    response = client.post(
        f"/records/{pa.pk}/notes/new/",
        {"author": me.pk, "title": "学习党章的体会", "text": "通过学习，我认识到……" * 5},
    )
    assert response.status_code == 302
    assert Document.objects.get().author == me

    word = WordDocument()
    word.add_paragraph("保持先进性，关键在于行动。" * 3)
    buf = io.BytesIO()
    word.save(buf)
    buf.seek(0)
    buf.name = "心得.docx"
    client.force_login(cast.user("liaison"))
    head = cast.people["head"]
    response = client.post(f"/records/{pa.pk}/notes/new/", {"author": head.pk, "upload": buf})
    assert response.status_code == 302
    note = Document.objects.get(author=head)
    assert note.kind == "study_note" and note.phase == "study"
    assert "关键在于行动" in note.versions.get().text

    client.force_login(cast.user("group_leader"))
    body = client.get(f"/records/{pa.pk}/notes/").content.decode()
    assert "共 2 篇，2 / 6 名党员已撰写" in body and "关键在于行动" in body


def test_a_member_cannot_write_for_someone_else_and_the_group_cannot_write_at_all(client, cast, pa):
    client.force_login(cast.user("member"))
    response = client.post(
        f"/records/{pa.pk}/notes/new/", {"author": cast.people["head"].pk, "text": "代写"}
    )
    assert response.status_code == 200 and not Document.objects.exists()
    client.force_login(cast.user("group_member"))
    response = client.post(
        f"/records/{pa.pk}/notes/new/", {"author": cast.people["head"].pk, "text": "代写"}
    )
    assert response.status_code == 404 and not Document.objects.exists()
