from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "guanxi.directory"
    label = "directory"
    verbose_name = _("Member directory")

    def ready(self) -> None:
        from guanxi.directory import member_count

        member_count.connect()
