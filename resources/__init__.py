"""Icons, translations and styles, importable with importlib.resources (also when frozen)."""
