"""The to-do and notification counts in the navigation, on every page. Lazy: computed only when
a page shows them (one count query per to-do provider, one for unread notifications)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from dudao.core.todo import todo_count

from .models import Notification


def workbench(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "dudao_todo_count": SimpleLazyObject(lambda: todo_count(user)),
        "dudao_unread_count": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        ),
    }
