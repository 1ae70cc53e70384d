"""Storage, import/export and the demo county: the only layer that touches files and the database.

The pure domain it stores (schema, rules, workflow, values, coordinates) is ``domain``.
"""
