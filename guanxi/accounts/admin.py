"""Admin for moderators: find members, fix or remove what they published.

Edits go through the same services as the site, so lookup keys and the rendered
Markdown never drift from what the member sees.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from guanxi.accounts import services
from guanxi.accounts.models import Education, Experience, Profile, Tag, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "is_active", "is_staff", "is_demo", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "is_demo")
    search_fields = ("username", "email")
    ordering = ("-date_joined",)
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (_("Demo"), {"fields": ("is_demo",)}),
    )
    readonly_fields = ("last_login", "date_joined")


class _ReadOnlyEntryInline(admin.TabularInline):
    """Entries can be removed here but are only written by their member."""

    extra = 0
    can_delete = True
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ExperienceInline(_ReadOnlyEntryInline):
    model = Experience
    fields = ("title", "company", "start_year", "end_year")
    readonly_fields = fields


class EducationInline(_ReadOnlyEntryInline):
    model = Education
    fields = ("school", "degree", "field", "start_year", "end_year")
    readonly_fields = fields


_SERVICE_FIELDS = services.PROFILE_TEXT_FIELDS + ("listed",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "headline", "city", "company", "listed", "created_at")
    list_filter = ("listed", "user__is_demo")
    search_fields = ("display_name", "user__username", "user__email", "company", "city")
    list_select_related = ("user",)
    readonly_fields = ("user", "photo", "created_at", "updated_at")
    fields = (
        "user",
        "display_name",
        "headline",
        "about",
        "photo",
        ("city", "country"),
        ("company", "position"),
        "listed",
        ("created_at", "updated_at"),
    )
    inlines = (ExperienceInline, EducationInline)

    def has_add_permission(self, request) -> bool:
        return False  # profiles come with accounts

    def save_model(self, request, obj: Profile, form, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in _SERVICE_FIELDS
        }
        services.profile_update(profile=obj, **changes)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "key")
    search_fields = ("key", "name")
    readonly_fields = ("name", "key")

    def has_add_permission(self, request) -> bool:
        return False
