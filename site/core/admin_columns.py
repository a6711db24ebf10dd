"""Columns of the admin's listings as people read them."""

from __future__ import annotations

from django.utils.translation import gettext
from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A yes/no field shown as "Ja"/"Nein" (Wagtail's listing would print True/False)."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return gettext("Yes") if value else gettext("No")


def yes_no(name: str, model) -> YesNoColumn:
    """The column of the boolean field ``name`` of ``model``, headed by its verbose name."""
    return YesNoColumn(name, label=model._meta.get_field(name).verbose_name.capitalize())
