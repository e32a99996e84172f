import pytest


@pytest.mark.parametrize("path", ["/tokens/%00/", "/tokens/%00/chart.json", "/tokens/T%00AO/",
                                  "/tokens/" + "X" * 300 + "/"])  # fmt: skip
def test_a_symbol_no_token_could_have_is_a_404_not_a_500(client, db, path):
    assert client.get(path).status_code == 404
