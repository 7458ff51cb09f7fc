"""`python -m flightsw`: run the spacecraft process."""

import sys

from flightsw.process.main import main

sys.exit(main())
