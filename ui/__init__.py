"""The Streamlit UI: shared chrome, translations, local map assets, and the pages (ui/pages/).

Page scripts live in ui/pages/, not in a top-level pages/ folder: Streamlit runs the scripts of
a top-level pages/ folder directly on a deep link (its legacy multipage mode), bypassing the
navigation, language and layout that app.py sets up.
"""
