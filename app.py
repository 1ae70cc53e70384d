"""County Risk Map — Streamlit entry point: page config, language, shared sidebar, pages."""

import streamlit as st

from pages import chrome

st.set_page_config(page_title="县域安全风险一张图 County Risk Map", page_icon="🗺️", layout="wide")
lang = chrome.sidebar()
page = st.navigation([
    st.Page("pages/overview.py", title=chrome.text("总览", "Overview", lang), icon="🗺️",
            default=True),
])
page.run()
