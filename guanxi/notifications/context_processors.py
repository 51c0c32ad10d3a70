from django.http import HttpRequest

from guanxi.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The navigation's unread badge; evaluated only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached: dict[str, int] = {}

    def count() -> int:
        if "n" not in cached:
            cached["n"] = unread_count(recipient=user)
        return cached["n"]

    return {"unread_notifications": count}
