"""``python -m crmlib``."""

import sys

from crmlib.pipeline.orchestration.cli import main

sys.exit(main())
