"""The first schema: papers, day lists, full texts, summaries, verifications, deliveries, runs."""

SQL = """
CREATE TABLE papers (
    arxiv_id   TEXT PRIMARY KEY,            -- versionless
    version    INTEGER,                     -- latest version we know of, NULL if unknown
    title      TEXT NOT NULL,
    abstract   TEXT NOT NULL DEFAULT '',
    authors    TEXT NOT NULL DEFAULT '[]',  -- JSON list of names
    published  TEXT,
    data       TEXT NOT NULL,               -- JSON of models.Paper
    updated_at TEXT NOT NULL
);

CREATE TABLE day_lists (
    date       TEXT NOT NULL,               -- YYYY-MM-DD
    source     TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    count      INTEGER NOT NULL,
    skipped    TEXT NOT NULL DEFAULT '[]',  -- JSON [[position, reason], ...]
    PRIMARY KEY (date, source)
);

CREATE TABLE day_papers (
    date       TEXT NOT NULL,
    source     TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    arxiv_id   TEXT NOT NULL REFERENCES papers(arxiv_id),
    upvotes    INTEGER,                     -- at fetch time
    summary_id INTEGER REFERENCES summaries(id),
    error      TEXT,                        -- last per-paper failure, if any
    PRIMARY KEY (date, source, arxiv_id),
    FOREIGN KEY (date, source) REFERENCES day_lists(date, source) ON DELETE CASCADE
);
CREATE INDEX day_papers_paper ON day_papers(arxiv_id);

CREATE TABLE fulltexts (
    arxiv_id   TEXT NOT NULL REFERENCES papers(arxiv_id),
    version    INTEGER NOT NULL,            -- 0 when unknown
    source     TEXT NOT NULL,               -- pdf | html | abstract
    data       TEXT NOT NULL,               -- JSON of models.FullText
    created_at TEXT NOT NULL,
    PRIMARY KEY (arxiv_id, version)
);

CREATE TABLE summaries (
    id          INTEGER PRIMARY KEY,
    arxiv_id    TEXT NOT NULL REFERENCES papers(arxiv_id),
    version     INTEGER NOT NULL,           -- 0 when unknown
    backend     TEXT NOT NULL,
    model       TEXT NOT NULL DEFAULT '',
    prompt_hash TEXT NOT NULL DEFAULT '',
    source      TEXT,                       -- text it was written from
    data        TEXT NOT NULL,              -- JSON of models.Summary
    created_at  TEXT NOT NULL,
    UNIQUE (arxiv_id, version, backend, model, prompt_hash)
);

CREATE TABLE verifications (
    summary_id  INTEGER PRIMARY KEY REFERENCES summaries(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,              -- grounded | unsupported | empty
    unsupported INTEGER NOT NULL,
    data        TEXT NOT NULL,              -- JSON of models.Verification
    created_at  TEXT NOT NULL
);

CREATE TABLE deliveries (
    channel    TEXT NOT NULL,
    target     TEXT NOT NULL,               -- chat id, address list hash, webhook name
    item       TEXT NOT NULL,               -- e.g. 'day:2025-01-15', 'paper:2025-01-15:2501.08313'
    status     TEXT NOT NULL,               -- sent | failed
    message_id TEXT,
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 1,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (channel, target, item)
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    date        TEXT NOT NULL,
    command     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running', -- running | ok | partial | empty | failed
    counts      TEXT NOT NULL DEFAULT '{}',
    message     TEXT
);

CREATE VIRTUAL TABLE search USING fts5(
    arxiv_id UNINDEXED, title, authors, abstract, summary, keywords,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""
