"""`python -m ketamonitor` is the same as the `ketamonitor` command."""

import sys

from ketamonitor.cli import main

sys.exit(main())
