"""Data stored once: the abstract and authors only in ``papers.data``, a search index whose
text is read from the papers and summaries (external content), not copied into it."""

SQL = """
ALTER TABLE papers DROP COLUMN abstract;
ALTER TABLE papers DROP COLUMN authors;

DROP TABLE search;

-- What the search index indexes, one row per paper: its metadata and the summary published
-- on its latest day. The index keeps only its word lists; snippets read this view. (Lists
-- are indexed as their JSON text: quotes and commas are word separators to the tokenizer.
-- json_each cannot be used here: FTS5 cannot read a view that calls a table function.)
CREATE VIEW search_source AS
SELECT docid, arxiv_id, title, authors, abstract,
       trim(coalesce(json_extract(sdata, '$.one_line'), '') || ' ' ||
            coalesce(json_extract(sdata, '$.objective'), '') || ' ' ||
            coalesce(json_extract(sdata, '$.method'), '') || ' ' ||
            coalesce(json_extract(sdata, '$.results'), '') || ' ' ||
            coalesce(json_extract(sdata, '$.implication'), '')) AS summary,
       trim(coalesce(aik, '') || ' ' || coalesce(json_extract(sdata, '$.keywords'), ''))
         AS keywords
FROM (
    SELECT p.rowid AS docid, p.arxiv_id AS arxiv_id,
           json_extract(p.data, '$.title') AS title,
           json_extract(p.data, '$.authors') AS authors,
           json_extract(p.data, '$.abstract') AS abstract,
           json_extract(p.data, '$.ai_keywords') AS aik,
           (SELECT s.data FROM day_papers d JOIN summaries s ON s.id = d.summary_id
            WHERE d.arxiv_id = p.arxiv_id ORDER BY d.date DESC, d.source LIMIT 1) AS sdata
    FROM papers p
);

CREATE VIRTUAL TABLE search USING fts5(
    arxiv_id UNINDEXED, title, authors, abstract, summary, keywords,
    content = 'search_source', content_rowid = 'docid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO search (search) VALUES ('rebuild');
"""
