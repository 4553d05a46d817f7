<?xml version="1.0" encoding="utf-8"?>
<!-- Shows the site's Atom, RSS and podcast feeds as a readable page in a browser (feed readers
     ignore it). XSLT 1.0; no script, no remote resource. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
    exclude-result-prefixes="atom itunes">
  <xsl:output method="html" encoding="utf-8" indent="no"/>
  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/> (feed)</title>
        <style>
          body { margin: 0 auto; max-width: 46rem; padding: 0 1rem 2rem; font: 1rem/1.55 system-ui, sans-serif; color: #1b1b1b; background: #fff; }
          a { color: #0b57d0; } .note { background: #f3f4f6; border: 1px solid #d6d6d6; border-radius: 6px; padding: .6rem .9rem; }
          .meta { color: #4a4a4a; font-size: .92rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .2rem; }
          code { background: #f3f4f6; padding: 0 .25rem; border-radius: 3px; overflow-wrap: anywhere; }
          @media (prefers-color-scheme: dark) { body { background: #121417; color: #e8e8e8; } a { color: #8ab4f8; } .note, code { background: #1d2025; border-color: #3a3d42; } .meta { color: #b4b4b4; } }
        </style>
      </head>
      <body>
        <main id="main">
          <xsl:apply-templates select="/rss/channel | /atom:feed"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <h1 id="feed-title"><xsl:value-of select="title"/></h1>
    <xsl:if test="itunes:image/@href">
      <img src="{itunes:image/@href}" alt="Podcast cover" width="160" height="160"/>
    </xsl:if>
    <p><xsl:value-of select="description"/></p>
    <p class="note">This is a feed: copy its address into a feed reader<xsl:if test="itunes:owner"> or a podcast app</xsl:if> to follow it.
      <xsl:if test="link"> The site: <a href="{link}"><xsl:value-of select="link"/></a></xsl:if></p>
    <xsl:for-each select="item">
      <article>
        <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="meta"><xsl:value-of select="pubDate"/></p>
        <xsl:if test="enclosure">
          <audio controls="controls" preload="none" src="{enclosure/@url}"><a href="{enclosure/@url}">Listen</a></audio>
        </xsl:if>
        <p><xsl:value-of select="description"/></p>
      </article>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="atom:feed">
    <h1 id="feed-title"><xsl:value-of select="atom:title"/></h1>
    <p><xsl:value-of select="atom:subtitle"/></p>
    <p class="note">This is a feed: copy its address into a feed reader to follow it.
      <xsl:if test="atom:link[@rel='alternate']"> The site: <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:link[@rel='alternate']/@href"/></a></xsl:if></p>
    <xsl:for-each select="atom:entry">
      <article>
        <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="meta"><xsl:value-of select="substring(atom:published, 1, 10)"/>
          <xsl:for-each select="atom:author[position() &lt;= 3]"> · <xsl:value-of select="atom:name"/></xsl:for-each></p>
        <p><xsl:value-of select="atom:summary"/></p>
      </article>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
