"""The PySide6 window: widgets show state and forward intent; rules live in core."""
