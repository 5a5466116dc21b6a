"""The clinic's rules: plain Python with no Qt and no SQL, so they can be tested alone."""
