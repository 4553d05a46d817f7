"""Interest profiles: example papers (imported, configured, liked or disliked) and the
embeddings cache of the ranker."""

SQL = """
CREATE TABLE profile_examples (
    profile    TEXT NOT NULL,
    key        TEXT NOT NULL,              -- versionless arXiv id, else the citation key
    origin     TEXT NOT NULL,              -- bibtex | csl | zotero | like | dislike
    weight     REAL NOT NULL,              -- 1 for an example or a like, -1 for a dislike
    data       TEXT NOT NULL,              -- JSON of foryou.profiles.Example
    added_at   TEXT NOT NULL,
    PRIMARY KEY (profile, key)
);

CREATE TABLE embeddings (
    key        TEXT NOT NULL,              -- arXiv id, or 'example:<profile>:<key>'
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,              -- sha256 of the embedded text: a new text re-embeds
    vector     BLOB NOT NULL,              -- float32 little-endian
    created_at TEXT NOT NULL,
    PRIMARY KEY (key, model)
);
"""
