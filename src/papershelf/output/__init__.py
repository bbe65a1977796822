"""What papershelf writes out for people and other tools: exports, statistics, digests, feeds."""
