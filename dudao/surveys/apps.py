from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dudao.surveys"
    label = "surveys"
    verbose_name = "测评"

    def ready(self) -> None:
        # The requirements engine asks for survey outcomes through this port (a survey
        # threshold met or not, so that phase transitions see survey results).
        from dudao.campaigns.requirements.ports import register_survey_source

        from .selectors import SurveyResults

        register_survey_source(SurveyResults())
