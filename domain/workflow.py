"""The hazard ledger's workflow, in one place: 待整改 → 整改中 → 待验收 → 已销号.

``ACTIONS`` says which action moves which status and what it needs; ``change`` applies one
action to one row and returns the new row and the ledger events that record it (one per
changed field, old → new, all with the row's new version); ``replay`` rebuilds rows from
their events. A 重大隐患 cannot move without its 挂牌督办 record. Pure: no storage here
(``geodata.ledger`` stores changes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from domain.errors import RiskMapError
from domain.schema import FIELDS, LEDGER_STATUSES, STORAGE_CRS, TABLES

STATUSES = tuple(LEDGER_STATUSES)
TRACKED = (*[c for c in TABLES["hazard_ledger"].columns if c not in ("hazard_id", "row_version")],
           "geometry")
"""Fields whose every change is an event (the geometry as WKT)."""
SUPERVISION = ("supervising_leader", "measures", "funds_wan", "deadline", "contingency_plan")
"""The 挂牌督办 record a major hazard needs before it can move."""
WHOLE_ROW = "*"
"""``field_name`` of a registration event: its ``new_value`` holds every field as JSON."""
REGISTER_NEEDS = ("domain", "hazard_description", "hazard_level", "found_date")
"""What registration needs (the form on the ledger page also asks for place, units and
deadline; an imported ledger may lack them)."""


@dataclass(frozen=True)
class Action:
    """One workflow action: the statuses it starts from, where it goes, what it needs."""

    name: str
    en: str
    sources: tuple[str | None, ...]
    target: str | None
    needs: tuple[str, ...] = ()


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("登记", "register", (None,), "待整改", REGISTER_NEEDS),
    Action("开始整改", "start rectification", ("待整改",), "整改中",
           ("measures", "responsible_person")),
    Action("申请验收", "request verification", ("整改中",), "待验收", ("evidence",)),
    Action("退回", "return (verification failed)", ("待验收",), "整改中", ("note",)),
    Action("销号", "close", ("待验收",), "已销号", ("verifier", "closed_date")),
    Action("修改", "edit", STATUSES, None),
)}
MOVES = {(s, a.target): a.name for a in ACTIONS.values() if a.target for s in a.sources if s}
"""(old status, new status) → the action that makes that move."""


class WorkflowError(RiskMapError):
    """A change the workflow does not allow; nothing was saved."""


@dataclass(frozen=True)
class Identity:
    """Who makes a change: a name and a department (recorded on every event)."""

    name: str
    department: str = ""


def label(field: str) -> str:
    """Return a field's Chinese label with its name, for messages."""
    return f"{FIELDS[field].zh} ({field})" if field in FIELDS else field


def allowed_actions(status: str | None) -> list[str]:
    """Return the actions that can start from ``status`` (None: a hazard not yet registered)."""
    return [a.name for a in ACTIONS.values() if status in a.sources]


def text(value: object) -> str | None:
    """Return the text an event records for a value (None when empty)."""
    if value is None or (not isinstance(value, str | shapely.Geometry) and pd.isna(value)):
        return None
    if isinstance(value, shapely.Geometry):
        return None if value.is_empty else shapely.to_wkt(value, rounding_precision=-1)
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ") if value != value.normalize() else str(value.date())
    return str(value)


def _empty(value: object) -> bool:
    return text(value) is None or text(value) == ""


def _check(action: Action, status: str | None, merged: Mapping[str, Any], note: str | None,
           values: Mapping[str, Any]) -> None:
    if status not in action.sources:
        allowed = "、".join(allowed_actions(status)) or "无 none"
        raise WorkflowError(f"“{status or '未登记'}”状态的隐患不能“{action.name}” (cannot "
                            f"{action.en} from {status or 'unregistered'}); "
                            f"可以 allowed: {allowed}")
    banned = {"hazard_status", "row_version"} & set(values)
    if action.name != "登记":
        banned |= {"hazard_id"} & set(values)
    if banned:
        raise WorkflowError(f"不能直接修改 cannot set {', '.join(map(label, sorted(banned)))}: "
                            "状态只能通过办理动作改变 status changes only through an action")
    missing = [f for f in action.needs if _empty(note if f == "note" else merged.get(f))]
    if missing:
        raise WorkflowError(f"“{action.name}”需要填写 {action.en} needs: "
                            f"{', '.join(map(label, missing))}")
    moving = action.target is not None and action.name != "登记"
    if moving and merged.get("hazard_level") == "重大":
        lacking = [f for f in SUPERVISION if _empty(merged.get(f))]
        if lacking:
            raise WorkflowError(f"重大隐患缺少挂牌督办记录，不能“{action.name}” (a major hazard "
                                f"cannot move without its supervision record): "
                                f"{', '.join(map(label, lacking))}")


def change(row: Mapping[str, Any] | None, action: str, values: Mapping[str, Any], *,
           who: Identity, when: pd.Timestamp, note: str | None = None,
           status: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Apply ``action`` with ``values`` to ``row``; return the new row and its events.

    ``row`` is None for 登记 (``values`` then hold the new hazard, ``hazard_id`` included).
    ``status`` sets the status a registration starts in (an imported ledger arrives as it is;
    the UI always registers as 待整改). Raises ``WorkflowError`` naming what is wrong.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise WorkflowError(f"未知动作 unknown action {action!r}; 可以 use: {', '.join(ACTIONS)}")
    old = dict(row or {})
    current = old.get("hazard_status") if row is not None else None
    merged = {**old, **values}
    _check(spec, current, merged, note, values)
    if spec.target is not None:
        merged["hazard_status"] = status if (action == "登记" and status) else spec.target
    version = int(old.get("row_version") or 0) + 1
    merged["row_version"] = version
    hazard = merged["hazard_id"]
    base = {"hazard_id": hazard, "event_time": when, "actor": who.name,
            "actor_department": who.department or None, "action": action, "note": note,
            "row_version": version}
    if row is None:
        return merged, [{**base, "event_id": f"{hazard}-v1-00", "field_name": WHOLE_ROW,
                         "old_value": None, "new_value": row_json(merged)}]
    fields = [f for f in TRACKED if text(merged.get(f)) != text(old.get(f))]
    if not fields:
        raise WorkflowError("没有任何修改 nothing changed")
    return merged, [{**base, "event_id": f"{hazard}-v{version}-{k + 1:02d}", "field_name": f,
                     "old_value": text(old.get(f)), "new_value": text(merged.get(f))}
                    for k, f in enumerate(fields)]


def row_json(row: Mapping[str, Any]) -> str:
    """Return the text of a registered row's fields as one JSON object (empty ones left out)."""
    values = {f: text(row.get(f)) for f in TRACKED}
    return json.dumps({k: v for k, v in values.items() if v is not None}, ensure_ascii=False)


@dataclass(frozen=True, eq=False)
class Registration:
    """New ledger rows to register at once: one 登记 event each, as ``change`` would write.

    The store writes the rows and makes their events from them in one statement (the JSON
    built by the database, byte for byte what ``row_json`` writes). A row keeps the version
    it comes with (1 when none).
    """

    rows: pd.DataFrame
    who: Identity
    when: pd.Timestamp
    note: str | None = None

    def parameters(self) -> list[object]:
        """Return the values of the event columns every registration shares, in SQL order."""
        return [self.when, self.who.name, self.who.department or None, "登记", WHOLE_ROW,
                self.note]


def _parse(field: str, value: str | None) -> object:
    if value is None:
        return None
    if field == "geometry":
        return shapely.from_wkt(value)
    kind = FIELDS[field].type
    if kind in ("date", "timestamp"):
        return pd.Timestamp(value)
    if kind == "integer":
        return int(float(value))
    if kind == "real":
        return float(value)
    if kind == "boolean":
        return value == "True"
    return value


def replay(events: pd.DataFrame) -> pd.DataFrame:
    """Return the ledger rows rebuilt from their events alone (newest value of each field)."""
    ordered = events.sort_values(["hazard_id", "row_version", "event_id"])
    rows: dict[str, dict[str, Any]] = {}
    for hazard, field, value, version in zip(ordered["hazard_id"], ordered["field_name"],
                                             ordered["new_value"], ordered["row_version"],
                                             strict=True):
        row = rows.setdefault(hazard, {"hazard_id": hazard})
        value = None if pd.isna(value) else value
        if field == WHOLE_ROW:
            row.update({f: _parse(f, v) for f, v in json.loads(value).items()})
        else:
            row[field] = _parse(field, value)
        row["row_version"] = int(version)
    frame = pd.DataFrame(list(rows.values()),
                         columns=["hazard_id", *TRACKED[:-1], "row_version", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)


def status_action(old: str | None, new: str | None) -> str:
    """Return the action that moves ``old`` to ``new`` (修改 when the status is unchanged).

    Raises ``WorkflowError`` for a move no action makes (e.g. 待整改 → 已销号).
    """
    if old == new:
        return "修改"
    try:
        return MOVES[(old, new)]
    except KeyError:
        raise WorkflowError(f"状态不能从“{old}”直接改为“{new}” (no action moves {old} → {new}); "
                            f"允许 allowed: {', '.join(f'{a}→{b}' for a, b in MOVES)}") from None
