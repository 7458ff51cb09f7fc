"""`python -m ground`: run mission control."""

import sys

from ground.process.main import main

sys.exit(main())
