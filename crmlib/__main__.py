"""``python -m crmlib``."""

import sys

from crmlib.pipeline.cli import main

sys.exit(main())
