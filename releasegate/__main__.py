from __future__ import annotations

import sys

from releasegate.cli import main

sys.exit(main())
