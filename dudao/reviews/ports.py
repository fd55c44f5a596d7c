"""The reviews app's reader for the requirements engine (dudao/campaigns/requirements/ports.py):
documents approved, submitted and reviewed count towards requirements. Imported once at start-up
by ``CampaignsConfig.ready()`` (``autodiscover_modules("ports")``)."""

from __future__ import annotations

from dudao.campaigns.requirements.ports import DocumentReader, register_document_reader

from .models import Document

register_document_reader(DocumentReader(document=Document))
