"""The web scraper's building blocks: an embedded website, a fetcher, a parser, URL sources.

None of this imports textual; the demo in :mod:`workloads.demos.scrape` composes it.
"""
