# ruff: noqa: RUF001 (French typographic apostrophes)
"""The article's story of the February 2026 crash, seeded with the demo data.

Times are hours before the end of the demo data, the same clock as markets/demo_episode.py
(BTC's 18 % session between 72 h and 48 h before the end, its 59,850 $ low 44 h before,
TAO's 147 $ low 10 h before), so events sit on the prices they explain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

SLUG = "feb-2026"
WINDOW_HOURS = 7 * 24
SOURCE = "French news article on the AI-crypto crash, 6 February 2026"
NOTE_EN = "From the article; the prices shown are a reconstruction, not market data."
NOTE_FR = (
    "D’après l’article ; les cours affichés sont une reconstruction, pas des données de marché."
)

M = "\u2212"  # a real minus sign, as the figures beside the events write it


def _typeset(text: str) -> str:
    """Spaces as the formatted figures beside the texts write them: no break between a
    number and its unit (18\u00a0%, 164\u00a0$, 2,6\u00a0Md\u00a0$), a narrow one inside
    a French thousand (60\u202f000) and before a French semicolon."""
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "\u202f", text)
    text = re.sub(r"(?<=\d) (?=[%$]|Md\b|k\b)", "\u00a0", text)
    text = re.sub(r"(?<=\u00a0Md) \$|(?<=\u00a0k) \$", "\u00a0$", text)
    return text.replace(" ;", "\u202f;")


TITLE = ("The February 2026 AI-token crash", "Le krach des tokens IA de février 2026")
SUMMARY = (
    "Big Tech announced up to $500B of AI capital spending for 2026; Microsoft, Nvidia and "
    "AMD fell, Bitcoin lost 18 % in one session towards its $58-60k support, $2.6B of "
    "leveraged positions were liquidated and the AI tokens (TAO, NEAR, ICP, RENDER) lost a "
    "quarter of their value in a week.",
    "Les géants de la tech ont annoncé jusqu’à 500 Md $ d’investissements IA pour 2026 ; "
    "Microsoft, Nvidia et AMD ont chuté, le Bitcoin a perdu 18 % en une séance vers son "
    "support de 58-60 k $, 2,6 Md $ de positions à effet de levier ont été liquidées et les "
    "tokens IA (TAO, NEAR, ICP, RENDER) ont perdu un quart de leur valeur en une semaine.",
)
SUMMARY = (_typeset(SUMMARY[0]), _typeset(SUMMARY[1]))


@dataclass(frozen=True)
class DemoEvent:
    hours_before_end: int
    title: str
    title_fr: str
    tokens: tuple[str, ...] = ()
    lists: tuple[str, ...] = ("ai",)


@dataclass(frozen=True)
class DemoFact:
    hours_before_end: int
    value: float
    unit: str
    wording: str
    wording_fr: str


EVENTS = [
    DemoEvent(150, "Alphabet and Amazon unveil AI budgets far above expectations",
              "Alphabet et Amazon dévoilent des budgets IA bien au-delà des attentes",
              lists=("ai", "ai-equities")),
    DemoEvent(76, f"Microsoft {M}8 %, Nvidia {M}10 %, AMD {M}18.5 % in five days after "
              "the capex news",
              f"Microsoft {M}8 %, Nvidia {M}10 %, AMD {M}18,5 % en cinq jours après les "
              "annonces de capex",
              tokens=("MSFT", "NVDA", "AMD"), lists=("ai", "ai-equities")),
    DemoEvent(48, "Bitcoin loses 18 % in one session",
              "Le Bitcoin perd 18 % en une seule séance", tokens=("BTC",)),
    DemoEvent(46, "Over $2.6B of leveraged positions liquidated in 24 hours",
              "Plus de 2,6 Md $ de positions à effet de levier liquidées en 24 heures",
              tokens=("BTC",)),
    DemoEvent(44, "Bitcoin breaks towards $60,000, into its $58-60k support",
              "Le Bitcoin enfonce les 60 000 $, dans son support de 58-60 k $", tokens=("BTC",)),
    DemoEvent(30, "Fear & Greed index at its lowest since Terra/Luna (2022)",
              "Le Fear & Greed Index au plus bas depuis Terra/Luna (2022)", tokens=("BTC",)),
    DemoEvent(10, "TAO touches $147", "Le TAO touche 147 $", tokens=("TAO",)),
    DemoEvent(0, "AI tokens down 23-25 % in a week; TAO at $164",
              "Les tokens IA perdent 23 à 25 % en une semaine ; le TAO à 164 $",
              tokens=("TAO", "NEAR", "ICP", "RENDER")),
]  # fmt: skip
EVENTS = [replace(e, title=_typeset(e.title), title_fr=_typeset(e.title_fr)) for e in EVENTS]

FACTS = [
    DemoFact(150, 500e9, "usd", "Big Tech AI capital spending estimated for 2026 (high estimates)",
             "Dépenses d’investissement IA de Big Tech estimées pour 2026 (estimations hautes)"),
    DemoFact(76, -0.08, "ratio", "Microsoft share price over five days",
             "Action Microsoft sur cinq jours"),
    DemoFact(76, -0.10, "ratio", "Nvidia share price over five days",
             "Action Nvidia sur cinq jours"),
    DemoFact(76, -0.185, "ratio", "AMD share price over five days", "Action AMD sur cinq jours"),
    DemoFact(48, -0.18, "ratio", "Bitcoin in one session", "Bitcoin en une seule séance"),
    DemoFact(46, 2.6e9, "usd", "Leveraged positions liquidated in 24 hours",
             "Positions à effet de levier liquidées en 24 heures"),
    DemoFact(0, 300e6, "usd", "TAO daily trading volume (more than)",
             "Volume d’échange quotidien du TAO (plus de)"),
    DemoFact(0, 1.5e9, "usd", "TAO market capitalisation (more than)",
             "Capitalisation du TAO (plus de)"),
]  # fmt: skip

SUPPORT = ("BTC", 58_000.0, 60_000.0, "BTC critical support", "Support critique du BTC")
