"""A provider for the fan-out benchmark: every batch answers after BENCH_STUB_DELAY seconds."""

from __future__ import annotations

import os
import time

from markets.providers.base import ProviderResult, Quote


class SlowStubProvider:
    name = "bench"

    def fetch_latest(self, tokens):
        time.sleep(float(os.environ.get("BENCH_STUB_DELAY", "0.2")))
        now = int(time.time())
        return ProviderResult(quotes=[Quote(t.id, now, 1.0 + t.id % 97, 1e9, 1e7) for t in tokens])

    def fetch_history(self, token, *, start, end):
        return ProviderResult()


def slow_stub_provider() -> SlowStubProvider:
    return SlowStubProvider()
