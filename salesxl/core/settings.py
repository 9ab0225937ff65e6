"""The Settings sheet, typed once: every setting a step reads, with its default.

The reader builds one :class:`Settings` from the ``设置 Settings`` sheet, filling every setting the sheet
leaves out with its default, so the core reads ``settings.rounding_unit`` and never defaults a setting
again. The contract declares the same settings (their labels, types, bounds and notes) in
:data:`salesxl.workbook.contract.SETTINGS`; ``tests/core/test_settings.py`` checks that the two name the same
settings in the same order with the same defaults. A step that plans another month than the sheet's
works on ``dataclasses.replace(settings, plan_month=month)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Settings:
    """Every setting, typed, in the Settings sheet's order (see the Guide sheet for what each means).

    Attributes:
        plan_month: the month being planned; None only when the sheet does not say (an error then).
        The others: as the Settings sheet declares them, each with its default.
    """

    plan_month: pd.Period | None = None
    country: str = "CN"
    currency: str = "CNY"
    rounding_unit: float = 1.0
    history_method: str = "trend"
    year_weight_1: float = 0.5
    year_weight_2: float = 0.3
    year_weight_3: float = 0.2
    region_history_weight: float = 0.7
    history_window_months: int = 12
    new_product_reserve: float = 0.05
    new_rep_share: float = 0.5
    fit_prior: float = 0.01
    weekday_pattern: bool = False
    tier_base: float = 1.0
    tier_challenge: float = 1.1
    tier_sprint: float = 1.2
    region_split: str = "formula"
    rep_method: str = "history"
    sku_method: str = "history"
    outlet_method: str = "history"
    outlet_history_weight: float = 0.7
    reference_offset: int = 12
    new_rep_months: int = 3
    agree_cap: float = 0.3
    allow_shortfall: bool = False
    allow_surplus: bool = False
    expense_ceiling: float = 0.0
    expense_ceiling_rate: float = 0.0
    expense_over_ceiling: str = "error"
    hq_approvers: str = ""
    backtest_months: int = 24
    backtest_loss: str = "mape"
    pace_threshold: float = 0.9
    run_rate_days: int = 5
    core_visit_days: int = 7
    expense_ratio_limit: float = 0.06
    mix_lag_threshold: float = 0.9
    sms_every_days: int = 7
    email_every_days: int = 7
    call_every_days: int = 14
    no_touch_days: int = 21
    key_visit_days: int = 14
    escalate_days: int = 7
    signature_unknown: str = "pay"
    payout_unit: float = 0.01
    summary_top_n: int = 3
    expense_budget_margin: float = 0.1
    history_source: str = ""


DEFAULT = Settings()
"""Every setting at its default (no plan month)."""

DEFAULT_CURRENCY = DEFAULT.currency
"""The currency of a workbook whose Settings sheet names none: the one fallback, used wherever a currency is shown."""
