"""What papershelf keeps in the user's directories: reading state, undo history, session, saved
views, digest memory and the configuration, written atomically (:mod:`papershelf.store.files`).
"""
