"""French formats: Django's, with thousands grouped by a narrow no-break space (U+202F,
"63 450,00 $") as French typography and the browsers' Intl (the charts) group them; Django's
own French uses a full no-break space."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
