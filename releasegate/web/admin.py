from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from releasegate.web.models import Profile


class ProfileInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Profile
    can_delete = False


class UserWithProfileAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [ProfileInline]
    list_display = ("username", "email", "dingtalk_user_id", "is_staff", "is_active")

    @admin.display(description="DingTalk user id")
    def dingtalk_user_id(self, user: User) -> str:
        profile = Profile.objects.filter(user=user).first()
        return profile.dingtalk_user_id if profile else ""


admin.site.unregister(User)
admin.site.register(User, UserWithProfileAdmin)
