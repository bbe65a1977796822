"""Writing papers out: export formats, digests, feeds."""
