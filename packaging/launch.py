"""The frozen bundle's entry point: the same as the `ketamonitor` command."""

import sys

from ketamonitor.cli import main

if __name__ == "__main__":
    sys.exit(main())
