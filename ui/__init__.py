"""PySide6 widgets and Qt models. No business rules, no SQL, no HTTP."""
