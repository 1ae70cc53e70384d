"""Streamlit pages and the chrome they share (UI only)."""
