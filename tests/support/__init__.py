"""Helpers shared by the test packages, imported as `support.<module>`.

Fixtures stay in conftest files; no test imports from a conftest.
"""
