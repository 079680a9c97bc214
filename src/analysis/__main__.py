"""``python -m analysis``: see :mod:`analysis.running.cli`."""

import sys

from analysis.running.cli import main

sys.exit(main())
