"""What papershelf writes out for people and other tools: exports and statistics."""
