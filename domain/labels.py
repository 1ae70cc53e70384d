"""Names of classes and levels in both languages, written once.

The four risk colours come from the schema (``risk_class``); the geohazard warning's four
levels and the forest-fire danger's five are declared here. The UI's text table, the command
line and the exports take their labels from these.
"""

from __future__ import annotations

from domain.schema import FIELDS, Lang

RISK_CLASSES: tuple[str, ...] = tuple(FIELDS["risk_class"].choices or ())[:4]
"""The four risk colours, lowest first: 低, 一般, 较大, 重大."""
INSUFFICIENT = "数据不足"
"""The class of a score not given: its data covers less than ``min_coverage`` of the weight."""
NO_DATA = "无数据"
"""The class where no indicator has data at all: nothing measured, never 低."""
NOT_SCORED: tuple[str, str] = (INSUFFICIENT, NO_DATA)

WARNING_LEVELS: dict[int, tuple[str, str]] = {
    1: ("红色（很高）", "Red (very high)"),
    2: ("橙色（高）", "Orange (high)"),
    3: ("黄色（较高）", "Yellow (fairly high)"),
    4: ("蓝色（一般）", "Blue (moderate)"),
}
"""Geohazard warning levels (地质灾害气象风险预警): 1 is the most severe."""
NO_WARNING = ("未达预警", "No warning")
UNKNOWN_WARNING = ("无雨量数据", "No rain data")

DANGER_LEVELS: dict[int, tuple[str, str]] = {
    1: ("1 级 低", "1 low"),
    2: ("2 级 较低", "2 fairly low"),
    3: ("3 级 较高", "3 fairly high"),
    4: ("4 级 高", "4 high"),
    5: ("5 级 极高", "5 extreme"),
}
"""Forest-fire danger levels (森林火险气象等级): 5 is the most severe."""


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def class_label(risk_class: str, lang: Lang = "zh") -> str:
    """Return the label of a risk class (低 … 重大) in ``lang``."""
    return FIELDS["risk_class"].choice_label(risk_class, lang)


def warning_label(level: int, lang: Lang = "zh") -> str:
    """Return the label of a warning level (1 … 4) in ``lang``."""
    return _pick(WARNING_LEVELS[level], lang)


def danger_label(level: int, lang: Lang = "zh") -> str:
    """Return the label of a fire-danger level (1 … 5) in ``lang``."""
    return _pick(DANGER_LEVELS[level], lang)


EVACUATION_HEADINGS: dict[str, tuple[str, str]] = {
    "level": ("预警等级", "Level"),
    "township_name": ("乡镇", "Township"),
    "lead_name": ("乡镇责任领导", "Township lead"),
    "lead_phone": ("领导电话", "Lead phone"),
    "duty_officer": ("当日值班（电话）", "On duty (phone)"),
    "shelter": ("安置避难场所", "Shelter"),
    "shelter_m": ("距离（米）", "Distance (m)"),
    "shelter_remaining": ("剩余容量（人）", "Room left (people)"),
    "short": ("容量不足", "Short of room"),
}
"""Headings of the evacuation list's columns that are not fields of the site register."""
SHORT_OF_ROOM = ("容量不足", "short of room")
NOBODY_ON_DUTY = ("无人值班", "no one on duty")
"""What the evacuation list says of a township the duty roster names no one for."""


def heading(column: str, lang: Lang = "zh") -> str:
    """Return the heading of a column of the evacuation list (not a site field) in ``lang``."""
    return _pick(EVACUATION_HEADINGS[column], lang)


def rank_text(rank: object) -> str:
    """Return a rank as shown (``—`` for a township without one: not scored)."""
    return "—" if rank is None or rank != rank else f"{int(rank)}"  # NaN != NaN


def interval_text(low: object, high: object) -> str:
    """Return a rank interval as shown, ``12–15``, or ``3`` when it is one rank (``—``: none)."""
    if low is None or high is None or low != low or high != high:
        return "—"
    return str(int(low)) if int(low) == int(high) else f"{int(low)}–{int(high)}"


def layers_text(count: int, total: int, lang: Lang = "zh") -> str:
    """Return how many layers a composite rests on: ``3/4 图层``."""
    return f"{count}/{total} {'图层' if lang == 'zh' else 'layers'}"
