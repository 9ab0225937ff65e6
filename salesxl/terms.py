"""The planner's vocabulary 术语, spelled once: product roles, target tiers, the month target's factors.

The core computes with the keys (``flagship``, ``base``, ``budget``), the contract lets planners type any of
a choice's spellings (:meth:`Choice.spellings`) and the sheets show its labels; all of them come from here.
Pure data: no pandas, no workbook.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


def normalise_label(text: Any) -> str:
    """Fold a header or sheet name so that spelling variants compare equal.

    Full-width letters and digits become half-width (NFKC), case is folded, and
    spaces, underscores, hyphens and dots are dropped: ``"Ｒｅｐ ID"``,
    ``"rep_id"`` and ``"REP-ID"`` all become ``"repid"``.
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-\.·:：()（）]+", "", text)


@lru_cache(maxsize=None)
def spelling_set(*texts: str) -> frozenset[str]:
    """The folded spellings of a declaration's names, folded once per declaration (not per cell read)."""
    return frozenset(normalise_label(s) for s in texts)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice column: canonical key plus its labels."""

    key: str
    zh: str
    en: str

    @property
    def label(self) -> str:
        """Chinese and the key, as a choice cell shows it: ``战斗机型 flagship``."""
        return f"{self.zh} {self.key}"

    @property
    def bilingual(self) -> str:
        """Chinese and English, as a heading or a row label shows it: ``战斗机型 Flagship``."""
        return f"{self.zh} {self.en}"

    def spellings(self) -> frozenset[str]:
        return spelling_set(self.key, self.zh, self.en, self.label, f"{self.zh} {self.en}")


def keys(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.key for c in choices)


ROLES = (
    Choice("flagship", "战斗机型", "Flagship"),
    Choice("volume", "规模型", "Volume"),
    Choice("profit", "利润型", "Profit"),
    Choice("image", "形象型", "Image"),
)
"""Product roles 产品角色, in the planner's order: the mix of the target by role guarantees scale and margin."""

TIERS = (
    Choice("base", "基础", "Base"),
    Choice("challenge", "挑战", "Challenge"),
    Choice("sprint", "冲刺", "Sprint"),
)
"""Target tiers 三档目标, lowest first: base is reachable "on tiptoe", challenge and sprint reward more."""

FACTORS = (
    Choice("budget", "年度预算", "Annual budget"),
    Choice("history", "历史同期", "Same month history"),
    Choice("industry", "行业增长", "Industry growth"),
    Choice("benchmark", "标杆增长", "Benchmark growth"),
)
"""The four factors of the month target 参考因素 (the article's Table 1), in its order."""

ROLE_KEYS = keys(ROLES)
TIER_KEYS = keys(TIERS)
FACTOR_KEYS = keys(FACTORS)
ROLE_LABEL = {c.key: c.label for c in ROLES}
"""A role as an output cell shows it: ``战斗机型 flagship``."""
