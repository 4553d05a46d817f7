"""The durable files the database has written or read: when one on disk differs from what is
recorded here, the database is older than the files and is rebuilt from them."""

SQL = """
CREATE TABLE durable_files (
    path     TEXT PRIMARY KEY,              -- relative to the working directory
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT NOT NULL
);
"""
