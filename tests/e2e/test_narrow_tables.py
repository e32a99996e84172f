"""On a phone the tables show the columns that matter, the rest one tap away (remembered);
definitions are readable without hovering."""

from pathlib import Path

from playwright.sync_api import Browser, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "phone.png"


def test_a_phone_sees_the_essential_columns_then_all_of_them(browser: Browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    row = page.locator("#members-table tbody tr[data-symbol=TAO]")
    expect(row.locator("td").nth(0)).to_be_visible()  # the price
    expect(row.locator("td.col-extra").first).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#cap-chart").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT))

    page.get_by_role("button", name="All columns").click()
    expect(row.locator("td.col-extra").first).to_be_visible()
    page.reload()  # remembered in this browser
    expect(page.locator("#members-table tbody tr[data-symbol=TAO] td.col-extra").first
           ).to_be_visible()  # fmt: skip

    page.goto(f"{live_server.url}/tokens/TAO/")
    definition = page.locator("tr[data-metric=drawdown_from_ath] .field-definition")
    expect(definition).to_be_visible()
    # Every value fits whole: the metrics table does not scroll (no number cut at the edge).
    assert page.evaluate(
        "(() => { const w = document.querySelector('#token-metrics .table-wrap');"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    context.close()


def test_a_desktop_shows_every_column_and_no_toggle(browser: Browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.locator("#members-table tbody tr[data-symbol=TAO] td.col-extra").first
           ).to_be_visible()  # fmt: skip
    expect(page.get_by_role("button", name="All columns")).to_be_hidden()
    context.close()


def test_a_phone_gives_the_metric_names_room_beside_a_date(browser: Browser, live_server, demo):
    """A date and time value wraps between the two, so the name column is not squeezed
    into one syllable per line ('Capitalisa-tion')."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/tokens/TAO/")
    widths = page.evaluate(
        "(() => { const r = document.querySelector('tr[data-metric=market_cap_usd]');"
        " return [r.querySelector('th').offsetWidth, r.querySelector('td.num').offsetWidth]; })()"
    )
    name, value = widths
    assert name >= 0.4 * (name + value), widths  # it was 90 px beside 242
    assert page.evaluate(
        "(() => { const w = document.querySelector('#token-metrics .table-wrap');"
        " return w.scrollWidth <= w.clientWidth; })()"
    )
    context.close()


def test_a_phone_without_javascript_gets_every_column_in_a_scrolling_table(
    browser: Browser, live_server, demo
):
    """'All columns' needs JavaScript: without it the button did nothing and the hidden
    columns were out of reach. Then every column shows, the table scrolls in its box."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    row = page.locator("#members-table tbody tr[data-symbol=TAO]")

    expect(row.locator("td.col-extra").first).to_be_visible()
    expect(page.locator(".columns-toggle")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


CAPTION_TEXT_OUTSIDE_ITS_BOX = """(() => {
  const out = [];
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    const caption = wrap.querySelector('caption');
    if (!caption || caption.classList.contains('visually-hidden')) continue;
    wrap.scrollLeft = wrap.scrollWidth;  // scrolled to the table's last column, too
    for (const left of [0, wrap.scrollWidth]) {
      wrap.scrollLeft = left;
      const box = wrap.getBoundingClientRect();
      const text = document.createRange();
      text.selectNodeContents(caption);
      for (const r of text.getClientRects()) {
        if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) {
          out.push(caption.textContent.trim().replace(/\\s+/g, ' '));
        }
      }
    }
  }
  return out;
})()"""


def test_a_phone_reads_a_wide_table_s_caption_whole(browser: Browser, live_server, demo):
    """The caption spanned the whole (wider than the screen) table, so its end was cut off at
    the edge of the table's box ('Members of AI tokens in the list's ord') until scrolled to;
    it now wraps within the box and stays there while the table scrolls."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page = context.new_page()
    for path in ["/", "/lists/ai/?sort=-change_7d"]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("#members-table").evaluate("t => t.offsetWidth > 390")
        assert page.evaluate(CAPTION_TEXT_OUTSIDE_ITS_BOX) == [], path
    context.close()
