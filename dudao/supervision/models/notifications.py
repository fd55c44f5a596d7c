"""Notifications and each user's notification preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NoticeEvent(models.TextChoices):
    """The events a user may choose to be told of (in the app, and by mail if he opts in)."""

    PROBLEM_SENT = "problem_sent", "督导组发来问题"
    PROBLEM_ANSWERED = "problem_answered", "单位答复了问题"
    PROBLEM_SENT_BACK = "problem_sent_back", "问题答复被退回"
    REMEDIAL = "remedial", "责令补课"
    SENT_BACK = "sent_back", "转段申请被退回"
    DOCUMENT_RETURNED = "document_returned", "文书被退回修改"
    COMMENT_REPLY = "comment_reply", "文书批注有新答复"
    REPORT_SUBMITTED = "report_submitted", "督导组提交周报"
    EXPERIENCE_NOMINATED = "experience_nominated", "督导组推荐典型经验"
    EXPERIENCE_RETURNED = "experience_returned", "典型经验被退回修改"
    EXPERIENCE_APPROVED = "experience_approved", "典型经验已审定"
    EXPERIENCE_PUBLISHED = "experience_published", "典型经验已发布"
    INSPECTION_REPORT_SUBMITTED = "inspection_submitted", "巡回检查组报送检查报告"
    INSPECTION_REPORT_ACKNOWLEDGED = "inspection_acknowledged", "领导小组已阅检查报告"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="dudao_notifications",
    )
    event = models.CharField("事项", max_length=32, choices=NoticeEvent.choices)
    text = models.CharField("内容", max_length=300)
    # The page to open: a URL name and its one id (pages are reversed in the view layer).
    url_name = models.CharField("页面", max_length=100, blank=True)
    url_arg = models.PositiveBigIntegerField("页面参数", null=True, blank=True)
    # What the notice is about ("sent_back:12"): an event saved twice notifies once.
    key = models.CharField("事项标识", max_length=64, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    mailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.text[:40]


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.CharField("事项", max_length=32, choices=NoticeEvent.choices)
    in_app = models.BooleanField("站内通知", default=True)
    mail = models.BooleanField("邮件通知", default=False)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notice_pref_unique"),
        ]

    def __str__(self) -> str:
        return self.get_event_display()
