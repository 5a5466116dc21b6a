"""Data files (protocols, checklists, scales, medicines, icons, the .desktop file): the
package ketamonitor.resources, kept at the project's top level and mapped onto the package by
pyproject's package-dir, so it is installed with the package (editable or wheel) and bundled
by packaging/ketamonitor.spec. Found only through `ketamonitor.core.library.resource`."""
