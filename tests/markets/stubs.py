"""Stand-in providers for service and worker tests (no network)."""

from markets.providers.base import ProviderResult, Quote, TransientProviderError

__all__ = ["STUB_TS", "FlakyProvider", "ProviderResult", "Quote", "StubProvider"]

STUB_TS = 1_770_379_200  # 2026-02-06T12:00:00Z


class StubProvider:
    """One fixed quote per token: price 42 $, cap 4.2 G$, volume 420 M$."""

    name = "stub"

    def fetch_latest(self, tokens):
        quotes = [Quote(t.id, STUB_TS, 42.0, 4.2e9, 4.2e8) for t in tokens]
        return ProviderResult(quotes=quotes)

    def fetch_history(self, token, *, start, end):
        hours = range(start - start % 3600 + 3600, end, 3600)
        quotes = [Quote(token.id, ts, 40.0 + i, None, None) for i, ts in enumerate(hours)]
        return ProviderResult(quotes=quotes)


class FlakyProvider(StubProvider):
    """Fails transiently ``failures`` times, then behaves like StubProvider."""

    name = "flaky"

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0

    def fetch_latest(self, tokens):
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientProviderError("503 from upstream")
        return super().fetch_latest(tokens)


def stub_provider():
    return StubProvider()


class FanoutStubProvider(StubProvider):
    """For real-worker tests: each batch takes STUB_DELAY seconds and is logged (with the
    worker's pid) under STUB_DIR; the first batch holding FLAKY_SYMBOL fails transiently."""

    name = "stub"

    def fetch_latest(self, tokens):
        import os
        import time

        folder = os.environ["STUB_DIR"]
        symbols = sorted(t.symbol for t in tokens)
        time.sleep(float(os.environ.get("STUB_DELAY", "0.2")))
        with open(os.path.join(folder, "calls.log"), "a") as log:
            log.write(f"{os.getpid()} {' '.join(symbols)}\n")
        flaky = os.environ.get("FLAKY_SYMBOL")
        if flaky in symbols:
            try:
                os.close(os.open(os.path.join(folder, "failed-once"), os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                raise TransientProviderError("503 once from the stub")
        return super().fetch_latest(tokens)


def fanout_stub_provider():
    return FanoutStubProvider()
