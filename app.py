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
    ("places", "places", "storefront", "places"),
    ("readiness", "readiness", "emergency", "readiness"),
    ("data", "data", "database", "data"),
]
ADMIN_PAGES = [("accounts", "accounts", "admin_panel_settings", "accounts")]

st.set_page_config(page_title="县域安全风险一张图 County Risk Map", page_icon="ui/favicon.png",
                   layout="wide")
chrome.language_switch()
# Signed out, every page shows the sign-in form and nothing else (``chrome.start_page``), so
# whichever page was asked for opens once the account is in.
account = chrome.session_account()
if account is not None:
    chrome.sidebar(account)
# Signed out, the administrators' page is there too (hidden): its address opens the sign-in
# form, not "page not found", and an administrator lands on it.
pages = PAGES if account is not None and account.role != "admin" else PAGES + ADMIN_PAGES
page = st.navigation([
    st.Page(f"ui/pages/{script}.py", title=chrome.tr(title), icon=f":material/{icon}:",
            url_path=path or None, default=not path)
    for script, title, icon, path in pages
], position="sidebar" if account is not None else "hidden")
page.run()
