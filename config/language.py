"""The language switch on every page (English or Cymraeg): Django's ``set_language`` sets the
language cookie and returns to the page; for a signed-in person the choice is also kept on their
account (User.language), so that it follows them to any browser and their emails are in it."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


@login_not_required
@require_POST
def switch_language(request):
    response = set_language(request)
    language = request.POST.get("language", "")
    if (request.user.is_authenticated and language in dict(settings.LANGUAGES) and check_for_language(language)
            and request.user.language != language):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
