"""Account pages: profile, API token, account deletion (sign-in pages are django-allauth's)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, ProfileForm
from core.language import language_cookie_delete, language_cookie_set

# The key just created, kept in the session for the one page that shows it whole.
NEW_API_TOKEN_SESSION_KEY = "accounts.api_token_new"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm.for_user(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            language = user.preferred_language
            if language:
                translation.activate(language)  # the confirmation reads in the new language
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            if language:
                language_cookie_set(response, language=language)
            else:
                language_cookie_delete(response)
            return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "api_token": selectors.api_token_shown(
                user=user, new_key=request.session.pop(NEW_API_TOKEN_SESSION_KEY, None)
            ),
            "email_address": selectors.email_address_primary(user=user),
        },
    )


@login_required
@require_POST
# A key keeps working after the session that made it ends: like changing the email address,
# making one asks for the password unless it was given in the last minutes (allauth's
# reauthentication, which then replays this request), so a borrowed session cannot mint one.
@reauthentication_required
def api_token_regenerate(request):
    had_one = selectors.api_token_for(user=request.user) is not None
    token = services.api_token_regenerate(user=request.user)
    # Shown whole on the next page only (the profile pops it), never again afterwards.
    request.session[NEW_API_TOKEN_SESSION_KEY] = token.key
    if had_one:
        messages.success(request, _("A new API token was created; the old one no longer works."))
    else:
        messages.success(request, _("Your API token was created."))
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_revoke(request):
    """Turn the API off for this user: the key stops working and no other is made (the
    profile then offers to create one). Asks for no password: it gives nothing away."""
    request.session.pop(NEW_API_TOKEN_SESSION_KEY, None)
    if services.api_token_revoke(user=request.user):
        messages.success(request, _("Your API token was revoked; it no longer works."))
    return redirect("accounts:profile")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(
        request.POST if request.method == "POST" else None, user=request.user, request=request
    )
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data were deleted."))
        return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})
