"""Strings of Django's own catalogues that the site words differently in French.

Django's French says "Courriel" and "adresse électronique" where every page of the site (and
allauth) says "e-mail". The project's catalogue (``locale/``, ``LOCALE_PATHS``) comes before
every app's, so giving these msgids there rewords them everywhere. Listed here so that
``makemessages`` keeps them in that catalogue; nothing imports this module.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = [
    gettext_noop("Email"),  # the sign-up and sign-in forms' label
    gettext_noop("email address"),  # the user model's field
    gettext_noop("Enter a valid email address."),  # Django's EmailValidator
]
