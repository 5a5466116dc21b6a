"""ketamonitor: charting for ketamine infusion rooms."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ketamonitor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
