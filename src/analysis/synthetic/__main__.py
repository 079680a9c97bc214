"""``python -m analysis.synthetic``: write a synthetic cohort (see :func:`analysis.synthetic.main`)."""

import sys

from analysis.synthetic import main

sys.exit(main())
