"""The admin site: for administrators only."""

from django.contrib import admin

from . import access


class AdministratorsSite(admin.AdminSite):
    """The admin is for administrators only (``access.can_use_admin``): plan managers maintain
    their plans through the product's own pages, which decide access with the same helpers as
    every other page. Anyone else is sent to the admin's sign-in page, whatever the object, so
    the admin tells nobody what exists."""

    site_header = "Improvement plans: administration"
    site_title = "Improvement plans admin"

    def has_permission(self, request):
        return access.can_use_admin(request.user)
