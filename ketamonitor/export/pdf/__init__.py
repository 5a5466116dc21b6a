"""Printable documents: the paginator every PDF shares (paginator) and the session
summary's sections (summary); the REMS form (export/rems_form) uses the paginator's public
functions and the summary's public sections."""
