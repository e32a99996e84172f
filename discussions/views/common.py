from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.login_redirect import login_redirect
from core.paging import page_number as core_page_number
from discussions.services import CommentRateLimited


def is_htmx(request) -> bool:
    """An htmx request wanting a partial; a history restore (an address the thread pushed,
    missing from htmx's cache) gets the whole page, which htmx swaps into the body."""
    htmx = getattr(request, "htmx", False)
    return bool(htmx) and not htmx.history_restore_request


def to_login(request):
    """The sign-in page, then back here (the whole page for htmx: core.login_redirect)."""
    return login_redirect(request, back=request.get_full_path())


def signed_in(view):
    """Signed-in users only; the others are sent to sign in (see ``to_login``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return to_login(request)
        return view(request, *args, **kwargs)

    return wrapped


class Outcome:
    """What a service call said: ``error`` (a message for people) and the HTTP status."""

    def __init__(self):
        self.error: str | None = None
        self.status = 200

    def __bool__(self) -> bool:
        return self.error is None


@contextmanager
def service_outcome():
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as exc:
        outcome.error = " ".join(exc.messages)
        outcome.status = 400
    except PermissionDenied as exc:
        outcome.error = str(exc) or _("You cannot do this.")
        outcome.status = 403
    except CommentRateLimited as exc:
        outcome.error = exc.message
        outcome.status = 429


def page_number(request) -> int:
    """``?page=`` as a number from 1; anything else (letters, 0, a negative number) is 1,
    never the last page (which Django's ``Paginator.get_page`` gives for 0)."""
    return core_page_number(request.GET.get("page"))
