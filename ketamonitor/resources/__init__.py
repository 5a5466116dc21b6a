"""Data files (protocols, checklists, icons), found through importlib.resources so the same
lookup works from a source tree, an installed wheel and a frozen bundle."""
