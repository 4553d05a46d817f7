"""Numbered schema migrations: ``mNNN_<name>.py`` modules, each with ``SQL`` (a script).

The database's ``PRAGMA user_version`` is the number of the last migration applied. Never edit
an applied migration: add the next number.
"""
