"""Entry point for ``python -m tactful``."""

import sys

from tactful.cli import main

sys.exit(main())
