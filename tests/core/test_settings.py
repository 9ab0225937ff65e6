"""Settings typed once: the core's dataclass and the contract's declarations name the same settings."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from salesxl.core.settings import DEFAULT_CURRENCY, Settings
from salesxl.workbook.contract import SETTINGS


def test_the_dataclass_declares_every_setting_in_order_with_its_default():
    fields = dataclasses.fields(Settings)
    assert [f.name for f in fields] == [s.key for s in SETTINGS]
    assert {f.name: f.default for f in fields} == {s.key: s.default for s in SETTINGS}


def test_settings_are_read_by_name_and_replaced_not_changed():
    settings = Settings(plan_month=pd.Period("2026-12", "M"))
    assert (settings.rounding_unit, settings.currency, settings.history_window_months) == (1.0, "CNY", 12)
    january = dataclasses.replace(settings, plan_month=pd.Period("2027-01", "M"))
    assert (settings.plan_month, january.plan_month) == (pd.Period("2026-12", "M"), pd.Period("2027-01", "M"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.plan_month = None
    with pytest.raises(TypeError):
        Settings(rounding_units=1.0)  # a misspelt setting is an error, not a silent default
    assert DEFAULT_CURRENCY == "CNY"
