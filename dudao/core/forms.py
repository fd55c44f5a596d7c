"""Form fields that name objects by id. A malformed value (letters, a sign, full-width digits,
a NUL byte, a number past the database's integer range) is a form error, checked before the
database is asked; the queryset, narrowed by the form to the user's scope, does the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .access import MAX_ID


def _well_formed(value) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 < value <= MAX_ID
    text = str(value).strip()
    return bool(text) and text.isascii() and text.isdigit() and len(text) <= 19 and int(text) > 0


class IdModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, self.queryset.model) and not _well_formed(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if not _well_formed(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": "…"},
                )
        return super()._check_values(value)
