"""Fetching papers from live sources over HTTP (httpx): Hugging Face and arXiv.

Every base URL, the timeout and the arXiv request spacing are configurable
(:class:`SourceConfig`, from ``PAPERSHELF_*`` environment variables), so tests point the clients
at a local server.
"""
