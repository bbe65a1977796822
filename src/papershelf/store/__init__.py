"""Files that keep papershelf's own state."""
