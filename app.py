"""County Risk Map — Streamlit entry point: page config, language, shared sidebar, pages."""

import streamlit as st

from ui import chrome

PAGES = [  # (script, title key, icon, url path)
    ("overview", "overview", "map", ""),
    ("geohazards", "geohazards", "landslide", "geohazards"),
    ("warning", "warning", "thunderstorm", "warning"),
    ("forest", "forest", "local_fire_department", "forest"),
    ("roads", "roads", "directions_car", "roads"),
    ("ledger", "ledger", "checklist", "ledger"),
    ("resources", "resources", "home_work", "resources"),
    ("data", "data", "database", "data"),
]

st.set_page_config(page_title="县域安全风险一张图 County Risk Map", page_icon="ui/favicon.png",
                   layout="wide")
chrome.sidebar()
page = st.navigation([
    st.Page(f"ui/pages/{script}.py", title=chrome.tr(title), icon=f":material/{icon}:",
            url_path=path or None, default=not path)
    for script, title, icon, path in PAGES
])
page.run()
