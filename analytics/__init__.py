"""Pure functions on (Geo)DataFrames: scores, classes, warnings, priorities.

No streamlit, no DuckDB, no file I/O: everything here takes frames and returns frames.
"""
