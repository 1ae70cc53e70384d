"""总览 Overview — for now: what the database holds, table by table."""

import pandas as pd
import streamlit as st

from geodata.schema import ENTITY_TABLES, TABLES
from pages.chrome import current_lang, demo_banner, open_store, text

lang = current_lang()
st.title(text("县域安全风险一张图", "County Risk Map"))
store = open_store()
if store is not None:
    demo_banner(store)
    counts = store.counts()
    st.subheader(text("数据概况", "What the database holds"))
    st.dataframe(
        pd.DataFrame({
            text("数据表", "Table"): [TABLES[name].label(lang) for name in ENTITY_TABLES],
            text("记录数", "Rows"): [counts[name] for name in ENTITY_TABLES],
        }),
        hide_index=True,
    )
    st.caption(text("风险地图与评分将在后续版本提供。",
                    "Risk maps and scores come in later versions."))
