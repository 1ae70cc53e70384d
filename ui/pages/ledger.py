"""隐患台账 Hazard ledger — filter the ledger; see it as a table and on the map."""

import pandas as pd
import streamlit as st

from geodata.schema import labels
from maps.compose import page_map
from maps.layers import circle_points, tooltip_rows
from ui.assets import asset_urls
from ui.chrome import (
    as_of,
    base_layers,
    caption,
    current_lang,
    demo_banner,
    open_store,
    show_map,
    tables,
    tr,
)

COLOURS = {"open_major": "#d7191c", "open": "#f97b1d", "closed": "#9e9e9e"}


def _filters(ledger: pd.DataFrame, names: dict[str, str], today: pd.Timestamp) -> pd.Series:
    cols = st.columns(6)
    picks = {
        "domain": cols[0].multiselect(tr("filter.domain"), sorted(ledger["domain"].unique())),
        "lead_department": cols[1].multiselect(
            tr("filter.department"), sorted(ledger["lead_department"].dropna().unique())),
        "township_code": cols[2].multiselect(tr("filter.township"), list(names),
                                             format_func=names.get),
        "hazard_level": cols[3].multiselect(tr("filter.level"), ["重大", "一般"]),
        "hazard_status": cols[4].multiselect(tr("filter.status"),
                                             ["待整改", "整改中", "待验收", "已销号"]),
    }
    overdue_only = cols[5].toggle(tr("filter.overdue"))
    keep = pd.Series(True, index=ledger.index)
    for column, chosen in picks.items():
        if chosen:
            keep &= ledger[column].isin(chosen)
    if overdue_only:
        keep &= (ledger["hazard_status"] != "已销号") & (ledger["deadline"] < today)
    return keep


def _state(ledger: pd.DataFrame) -> pd.Series:
    closed = ledger["hazard_status"] == "已销号"
    major = ledger["hazard_level"] == "重大"
    return pd.Series(["closed" if c else ("open_major" if m else "open")
                      for c, m in zip(closed, major, strict=True)], index=ledger.index)


st.title(tr("ledger"))
store = open_store()
if store is not None:
    demo_banner(store)
    data = tables(store)
    ledger = data["hazard_ledger"]
    names = dict(zip(data["townships"]["township_code"], data["townships"]["township_name"],
                     strict=True))
    shown = ledger[_filters(ledger, names, as_of(store))]
    st.caption(tr("shown", n=len(shown), total=len(ledger)))
    located = shown[shown.geometry.notna()]
    state = _state(located)
    tips = tooltip_rows(located, {"hazard_description": labels("hazard_ledger")[
        "hazard_description"], "responsible_unit": labels("hazard_ledger")["responsible_unit"],
        "hazard_status": labels("hazard_ledger")["hazard_status"],
        "deadline": labels("hazard_ledger")["deadline"]})
    layer = circle_points(located, colours=state.map(COLOURS).tolist(), tooltips=tips,
                          radius=5, name="hazards")
    legend = (tr("legend.ledger"), [(COLOURS[k], tr(f"ledger.{k}")) for k in COLOURS])
    m = page_map(base_layers(store), asset_urls(), caption(store, tr("ledger"),
                                                           tr("src.ledger")),
                 legend=legend, layers=[layer])
    show_map(m, "ledger-map")
    table = pd.DataFrame(shown.drop(columns="geometry"))
    table["township_code"] = table["township_code"].map(names)
    st.dataframe(table.rename(columns=labels("hazard_ledger", current_lang())),
                 hide_index=True)
