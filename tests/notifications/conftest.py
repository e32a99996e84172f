"""The market clock of the alerts tests, to produce notifications through the real chain."""

from tests.alerts.conftest import btc, market, tao  # noqa: F401
