"""An episode window at the edges of the calendar still gets its page and API."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 3, tzinfo=UTC)),
        (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)),
    ],
)
def test_an_episode_at_the_edge_of_the_calendar_is_shown_not_a_500(
    client, api_client, story, start, end
):
    story.start, story.end = start, end
    story.save(update_fields=["start", "end"])

    assert client.get("/episodes/feb-test/").status_code == 200
    assert api_client.get("/api/v1/episodes/feb-test/").status_code == 200
