"""Every page writes a date one way and a date with its time one way, in each language:
"Feb. 6, 2026" and "Feb. 6, 2026, 12:00 UTC"; "6 février 2026" and "6 février 2026, 12:00 UTC"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.services import alert_create
from discussions.services.comments import comment_create
from markets.models import Token
from notifications.services import notification_create
from tests.markets.pages.html import squash

PAGES = ["/", "/?at=2026-02-05T14:00Z", "/tokens/TAO/", "/tokens/TAO/?at=2026-02-05T14:00Z",
         "/notifications/", "/alerts/"]  # fmt: skip
MONTHS = {
    "en": r"(?:Jan\.|Feb\.|March|April|May|June|July|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)",
    "fr": r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre)",
}
DATE = {"en": r"{m} \d{{1,2}}, \d{{4}}", "fr": r"\d{{1,2}} {m} \d{{4}}"}


def _page_text(client, path: str, language: str) -> str:
    html = client.get(path, headers={"Accept-Language": language}).content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return squash(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_writes_dates_and_times_one_way(client, seeded, alice, language):
    """English pages said "Feb. 6, 2026, 12:00 UTC" (freshness), "Feb. 6, 2026 12:00 UTC"
    (comments, notifications, the metrics table) and "6 Feb 2026 12:00 UTC" (replay)."""
    alice.preferred_language = language
    alice.save()
    comment_create(author=alice, body="Capitulation?", token=Token.objects.get(symbol="TAO"))
    notification_create(user=alice, kind="alert", title="TAO fell", url="/tokens/TAO/")
    # An alert's "until" said "Feb. 6, 2026 08:00 UTC", without the comma.
    alert_create(owner=alice, condition="less_than", value=100, target="token", symbol="TAO",
                 expires_at=timezone.now() + timedelta(days=30))  # fmt: skip
    client.force_login(alice)
    date = DATE[language].format(m=MONTHS[language])
    seen = set()
    for path in PAGES:
        text = _page_text(client, path, language)
        # every date with a time: the date, a comma, the time, UTC
        for match in re.finditer(r"(\S+ \S+ \S+) (\d{2}:\d{2})(\S*)( UTC)?", text):
            before, _time, after, utc = match.groups()
            if re.search(r"\d{4},$", before):
                assert re.fullmatch(date + ",", before) and utc and not after, (path, match[0])
                seen.add("date and time")
            else:  # a time on its own ("as of 12:00 UTC") or inside a date written another way
                assert not re.search(r"\d{4}$|\d{4}-\d\d-\d\d", before), (path, match[0])
        for match in re.finditer(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2} [A-Z][a-z]{2} \d{4}", text):
            pytest.fail(f"{path}: {match[0]}")
        assert re.search(date, text), path
    assert seen == {"date and time"}
