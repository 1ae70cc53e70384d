"""Emergency readiness (应急准备): who is on duty, which plans, teams and stocks fall short.

One rule each, used by the readiness page, the meeting screen, the evacuation list and the
command line:

- a township or department has **no one on duty** on a day when the roster holds no row of
  it for that day (a township's rows: its code, or its name as the unit); the departments
  looked at are those the roster names within ``ROSTER_DAYS`` of the day;
- a plan is **due for revision** when last revised more than ``revise_years`` before the
  as-of day (or never), **due for a drill** likewise after ``drill_days``;
- a team is **due for training** after ``training_days`` without one;
- a warehouse is **short** of an item when it holds less than the minimum (an item it does
  not list counts as 0).

Pure functions on frames: no file, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from domain.settings.readiness import ReadinessSettings

ROSTER_DAYS = 31
"""A department named in the roster this many days before or after a day is expected on duty
that day."""
ROLES = ("带班领导", "值班员")


def _day(value: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def duty_on(roster: pd.DataFrame, townships: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Return who is on duty on ``day``: one row per township, then per department.

    Columns: ``duty_unit``, ``township_code`` (NA for a department), ``带班领导`` and
    ``值班员`` (name and phone as ``name（phone）``), ``on_duty`` (False: no one on duty).
    """
    day = _day(day)
    dates = pd.to_datetime(roster["duty_date"], errors="coerce").dt.normalize()
    names = dict(zip(townships["township_name"], townships["township_code"], strict=True))
    code = roster["township_code"].astype("string").fillna(
        roster["duty_unit"].map(names).astype("string"))
    rows = roster.assign(code=code, date=dates)
    near = rows[(rows["date"] - day).abs() <= pd.Timedelta(days=ROSTER_DAYS)]
    departments = sorted(near.loc[near["code"].isna(), "duty_unit"].dropna().unique())
    units = pd.DataFrame({
        "duty_unit": [*townships["township_name"], *departments],
        "township_code": pd.array([*townships["township_code"], *[pd.NA] * len(departments)],
                                  dtype="string")})
    today = rows[rows["date"] == day]
    unit_key = today["code"].fillna(today["duty_unit"])
    units_key = units["township_code"].fillna(units["duty_unit"])
    for role in ROLES:
        mine = today[(today["duty_role"] == role).to_numpy(bool)]
        said = mine["duty_person"].astype("string") + mine["duty_phone"].map(
            lambda p: f"（{p}）" if isinstance(p, str) and p else "")
        units[role] = units_key.map(dict(zip(unit_key.loc[mine.index], said, strict=True)))
    units["on_duty"] = units_key.isin(set(unit_key)).to_numpy()
    return units


def duty_officers(roster: pd.DataFrame, townships: pd.DataFrame, day: pd.Timestamp
                  ) -> pd.Series:
    """Return each township's person on duty on ``day``, indexed by township code.

    ``name（phone）`` of the leader on duty, else of the duty officer; NA where no one is.
    """
    duty = duty_on(roster, townships, day)
    towns = duty[duty["township_code"].notna()].set_index("township_code")
    return towns[ROLES[0]].fillna(towns[ROLES[1]])


def _older_than(dates: pd.Series, as_of: pd.Timestamp, limit: pd.DateOffset) -> pd.Series:
    """Return whether each date is missing or before ``as_of − limit``."""
    when = pd.to_datetime(dates, errors="coerce")
    return (when.isna() | (when < _day(as_of) - limit)).to_numpy(bool)


def plan_status(plans: pd.DataFrame, *, as_of: pd.Timestamp, revise_years: int,
                drill_days: int) -> pd.DataFrame:
    """Return the plans with ``revision_due``, ``drill_due`` and ``no_experts`` flags."""
    return plans.assign(
        revision_due=_older_than(plans["last_revised"], as_of,
                                 pd.DateOffset(years=revise_years)),
        drill_due=_older_than(plans["last_drill"], as_of, pd.DateOffset(days=drill_days)),
        no_experts=plans["expert_group"].astype("string").fillna("").str.strip().eq(
            "").to_numpy(bool))


def team_status(teams: pd.DataFrame, *, as_of: pd.Timestamp, training_days: int
                ) -> pd.DataFrame:
    """Return the teams with a ``training_due`` flag."""
    return teams.assign(training_due=_older_than(teams["last_training"], as_of,
                                                 pd.DateOffset(days=training_days)))


def supply_shortfalls(supplies: pd.DataFrame,
                      minimum_of: Callable[[str], Mapping[str, float]]) -> pd.DataFrame:
    """Return every item a warehouse holds less of than its minimum (by warehouse, largest first).

    Columns: ``warehouse_name``, ``township_code``, ``item_name``, ``quantity`` (NA for an
    item the warehouse does not list: short by all its minimum), ``minimum``, ``short``
    (minimum − quantity), ``item_unit``, ``listed`` (whether the register lists the item).
    """
    rows = []
    units = dict(zip(supplies["item_name"], supplies["item_unit"], strict=True))  # one unit an item
    for warehouse, stock in supplies.groupby("warehouse_name", sort=True):
        held = dict(zip(stock["item_name"], stock["quantity"], strict=True))
        town = stock["township_code"].dropna()
        for item, least in minimum_of(str(warehouse)).items():
            listed = item in held
            have = float(held[item]) if listed and pd.notna(held[item]) else 0.0
            if have < least:
                rows.append({"warehouse_name": warehouse,
                             "township_code": town.iloc[0] if len(town) else pd.NA,
                             "item_name": item, "quantity": have if listed else pd.NA,
                             "minimum": float(least), "short": float(least) - have,
                             "item_unit": units.get(item, pd.NA), "listed": listed})
    columns = ["warehouse_name", "township_code", "item_name", "quantity", "minimum", "short",
               "item_unit", "listed"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["warehouse_name", "short"], ascending=[True, False],
                           ignore_index=True)


@dataclass(frozen=True)
class Readiness:
    """The readiness registers on one day, with what falls short.

    Attributes:
        day: The day the roster is read for (the as-of day unless chosen).
        duty: ``duty_on`` the day (empty when no roster is loaded).
        plans: The plans with their ``*_due`` flags.
        teams: The teams with ``training_due``.
        short: Every item below its warehouse's minimum.
    """

    day: pd.Timestamp
    duty: pd.DataFrame
    plans: pd.DataFrame
    teams: pd.DataFrame
    short: pd.DataFrame
    roster_days: tuple[pd.Timestamp, pd.Timestamp] | None = None

    @property
    def covered(self) -> bool:
        """Return whether the roster reaches the day at all.

        A day before its first or after its last day is not a day with no one on duty: it is
        a day not planned yet.
        """
        return self.roster_days is not None and (
            self.roster_days[0] <= self.day <= self.roster_days[1])

    @property
    def nobody(self) -> list[str]:
        """Return the townships and departments with no one on duty on a covered day."""
        if self.duty.empty or not self.covered:
            return []
        return self.duty.loc[~self.duty["on_duty"], "duty_unit"].tolist()


def readiness_on(tables: Mapping[str, pd.DataFrame], *, as_of: pd.Timestamp,
                 settings: ReadinessSettings, day: pd.Timestamp | None = None) -> Readiness:
    """Return the registers of ``tables`` on ``day`` (default: the as-of day), as of ``as_of``.

    The one computation of the readiness page, the meeting screen and ``riskmap readiness``.
    """
    day = _day(day if day is not None else as_of)
    roster = tables["duty_roster"]
    dates = pd.to_datetime(roster["duty_date"], errors="coerce").dt.normalize().dropna()
    return Readiness(
        day=day, roster_days=(dates.min(), dates.max()) if len(dates) else None,
        duty=duty_on(roster, tables["townships"], day) if len(roster) else pd.DataFrame(),
        plans=plan_status(tables["emergency_plans"], as_of=as_of,
                          revise_years=settings.revise_years, drill_days=settings.drill_days),
        teams=team_status(tables["rescue_teams"], as_of=as_of,
                          training_days=settings.training_days),
        short=supply_shortfalls(tables["supplies"], settings.minimum_of))
