"""Publishing: everything derived from the store for people to read (markdown, site, feeds)."""
