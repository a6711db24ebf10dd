"""Admin listings of records that people read but never create or edit by hand."""

from __future__ import annotations

from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View permission as usual; adding, changing and deleting are refused to everyone."""

    WRITE = {"add", "change", "delete"}

    def user_has_permission(self, user, action):
        if action in self.WRITE:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
