"""Storage, schema, import/export, coordinates and the demo county.

This is the only layer that touches files and the database.
"""
