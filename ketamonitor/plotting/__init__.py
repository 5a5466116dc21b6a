"""pyqtgraph pictures of the record: the session chart and the course view.

Why a package of its own: the same plot is drawn live on the session page (ui) and rendered
to a PNG for summaries (export), and export may not import ui. So the plot building lives
here, below both, as pyqtgraph graphics items placed into a `pg.GraphicsLayout` the caller
owns; no widget of ours is made here. The ui wraps a layout in a window and forwards the
mouse and keys; export gives one a fixed size and renders it.

Layers (import-linter): plotting sits between export and store, and draws the core values it
is given; it imports neither the store (the caller reads the record) nor ui nor export.
"""
