"""The alerts pages: list with state and last firing, create (blank, preset, prefilled),
edit, pause/resume, delete, history of firings, webhook settings and deliveries."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alerts import selectors, services
from alerts.forms import AlertForm, WebhookSettingsForm, initial_from_fields, initial_from_rule
from alerts.services import PRESETS
from alerts.words import rule_describe
from core.paging import page_number
from markets.symbols import symbol_is_valid, symbol_lookup_key
from notifications.selectors import webhook_deliveries_for_user
from notifications.services import webhook_settings_get, webhook_settings_update

GET_OR_POST = ["GET", "HEAD", "POST"]
FIRINGS_PAGE_SIZE = 50
# A secret just issued, kept in the session for the one page that shows it whole.
NEW_WEBHOOK_SECRET_SESSION_KEY = "alerts.webhook_secret_new"


def _errors_to_form(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    aliases = {"cooldown_seconds": "cooldown_hours"}
    for field, field_messages in errors.items():
        field = aliases.get(field, field)
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _duplicate_of(exc: ValidationError):
    """The alert the user already has, when that is why their form was refused: the page
    links to it."""
    if isinstance(exc, services.AlertDuplicate):
        exc.rule.words = rule_describe(exc.rule)
        return exc.rule
    return None


@never_cache
@login_required
@require_safe
def index(request):
    return _index_page(request)


def _index_page(request, *, webhook_form: WebhookSettingsForm | None = None, status: int = 200):
    """The alerts page; with a refused webhook form, that form as sent, its errors beside it."""
    rules = list(selectors.alert_list_for_user(user=request.user))
    for rule in rules:
        rule.words = rule_describe(rule)
    webhook = webhook_settings_get(user=request.user)
    issued = request.session.pop(NEW_WEBHOOK_SECRET_SESSION_KEY, None)
    context = {
        "rules": rules,
        "presets": [{"slug": slug, "title": p["title"]} for slug, p in PRESETS.items()],
        "firings": selectors.firings_recent_for_user(user=request.user),
        "deliveries": webhook_deliveries_for_user(user=request.user),
        "webhook": webhook,
        # Whole only on the page right after it was issued, and only while still theirs.
        "webhook_secret_whole": webhook.secret if issued == webhook.secret else None,
        "webhook_form": webhook_form
        or WebhookSettingsForm(initial={"default_url": webhook.default_url}),
    }
    return render(request, "alerts/index.html", context, status=status)


def _initial(request) -> dict:
    preset = request.GET.get("preset")
    if preset in PRESETS:
        return initial_from_fields(services.preset_fields(preset))
    symbol = symbol_lookup_key(request.GET.get("token", ""))
    if symbol_is_valid(symbol):
        return {"target": "token", "symbol": symbol, "condition": "crossing_down"}
    return {}


@never_cache
@login_required
@require_http_methods(GET_OR_POST)
def new(request):
    duplicate = None
    if request.method == "POST":
        form = AlertForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.alert_create(owner=request.user, **form.service_fields())
            except ValidationError as exc:
                _errors_to_form(form, exc)
                duplicate = _duplicate_of(exc)
            else:
                messages.success(request, _("Alert created."))
                return redirect("alerts:index")
        status = 400
    else:
        form = AlertForm(initial=_initial(request), user=request.user)
        status = 200
    context = {"form": form, "rule": None, "duplicate": duplicate}
    return render(request, "alerts/form.html", context, status=status)


@never_cache
@login_required
@require_http_methods(GET_OR_POST)
def edit(request, pk: str):
    rule = selectors.alert_get_for_user(user=request.user, pk=pk)
    duplicate = None
    if request.method == "POST":
        form = AlertForm(request.POST, user=request.user, rule=rule)
        if form.is_valid():
            try:
                services.alert_update(rule=rule, **form.service_fields(rule=rule))
            except ValidationError as exc:
                _errors_to_form(form, exc)
                duplicate = _duplicate_of(exc)
            else:
                messages.success(request, _("Alert saved."))
                return redirect("alerts:index")
        status = 400
    else:
        form = AlertForm(initial=initial_from_rule(rule), user=request.user, rule=rule)
        status = 200
    context = {"form": form, "rule": rule, "duplicate": duplicate}
    return render(request, "alerts/form.html", context, status=status)


@never_cache
@login_required
@require_safe
def detail(request, pk: str):
    rule = selectors.alert_get_for_user(user=request.user, pk=pk)
    rule.words = rule_describe(rule)
    # Paged: a rule that fires at every refresh has hundreds of firings a day.
    page = Paginator(selectors.firings_for_rule(rule=rule), FIRINGS_PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    context = {"rule": rule, "firings": page.object_list, "page": page}
    return render(request, "alerts/detail.html", context)


@login_required
@require_POST
def pause(request, pk: str):
    rule = selectors.alert_get_for_user(user=request.user, pk=pk)
    # The button says what it asks for ("paused" 1 or 0), so a double click or a page left
    # open elsewhere does not undo it; without it, as the button reads now: "Pause" for a
    # live rule, "Resume" for a paused or an ended one.
    toggled = rule.is_active and rule.ended_at is None
    paused = {"1": True, "0": False}.get(request.POST.get("paused", ""), toggled)
    try:
        services.alert_pause(rule=rule, paused=paused)
    except services.AlertDuplicate as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Alert paused.") if paused else _("Alert resumed."))
    return redirect("alerts:index")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, pk: str):
    """A confirmation page; the POST deletes the alert with its history of firings."""
    rule = selectors.alert_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        services.alert_delete(rule=rule)
        messages.success(request, _("Alert deleted."))
        return redirect("alerts:index")
    rule.words = rule_describe(rule)
    context = {"rule": rule, "firings_count": selectors.firings_for_rule(rule=rule).count()}
    return render(request, "alerts/delete.html", context)


@login_required
@require_POST
def webhook_settings(request):
    if request.POST.get("new_secret"):
        return _webhook_settings_new_secret(request)
    return _webhook_settings_save(request)


# A new secret is shown whole, and it signs the owner's deliveries: like an API token, it asks
# for the password unless given in the last minutes (allauth replays this request after), so
# a borrowed session cannot take one to forge deliveries.
@reauthentication_required
def _webhook_settings_new_secret(request):
    return _webhook_settings_save(request)


def _webhook_settings_save(request):
    """Saved: back to the page. Refused (not HTTPS, a private address, over 500 characters):
    the page again with the URL as typed and the reason beside it, not an emptied field."""
    form = WebhookSettingsForm(request.POST)
    if form.is_valid():
        try:
            row = webhook_settings_update(
                user=request.user,
                default_url=form.cleaned_data["default_url"],
                new_secret=bool(request.POST.get("new_secret")),
            )
        except ValidationError as exc:
            form.add_error("default_url" if not hasattr(exc, "error_dict") else None, exc)
        else:
            if request.POST.get("new_secret"):  # shown whole on the next page only
                request.session[NEW_WEBHOOK_SECRET_SESSION_KEY] = row.secret
            messages.success(request, _("Webhook settings saved."))
            return redirect("alerts:index")
    # The field is far down a long page: focused, the browser scrolls to it and its reason.
    form.fields["default_url"].widget.attrs["autofocus"] = True
    return _index_page(request, webhook_form=form, status=400)
