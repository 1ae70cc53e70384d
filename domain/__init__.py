"""The domain: what the county's data means, with no storage, files or screens.

The one schema declaration, national classification rules, the ledger workflow, value and
coordinate parsing, typed settings and domain errors. Pure: every layer may import it, and it
imports no other part of County Risk Map.
"""
