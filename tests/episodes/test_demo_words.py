"""The demo episode's French texts write amounts as the pages' figures do: "500 Md $"."""

from episodes import demo


def french_texts() -> list[str]:
    return [demo.TITLE[1], demo.SUMMARY[1]] + [event.title_fr for event in demo.EVENTS]


def test_its_french_texts_say_md_dollars_for_billions_never_g_dollars():
    """The episode's summary said "500 G$" and "2,6 G$" while its figures beside it, the
    dashboard and the charts say "1,57 Md $"."""
    texts = french_texts()

    assert not [text for text in texts if "G$" in text]
    assert "500 Md $" in demo.SUMMARY[1]
    assert any("2,6 Md $" in text for text in texts)


def test_its_french_texts_write_thousands_of_dollars_as_the_figures_do():
    assert not [text for text in french_texts() if "k$" in text]
