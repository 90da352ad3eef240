from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans"

    def ready(self):
        from django.core import checks

        from .clocks import check_regime_files
        from .panels import register_plan_tab
        from .signals import normalise_text_of

        register_plan_tab("criteria", _("By criterion"), "improvement:criteria_report")

        normalise_text_of(self)  # control characters out of every text field before it is saved
        checks.register(check_regime_files)


class AdministratorsAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: for administrators only (``access.can_use_admin``)."""

    default = False  # improvement's own config stays the app's default
    default_site = "improvement.admin_site.AdministratorsSite"
