"""`python -m replycoach`: the same command as the `replycoach` script, for environments without it."""

import sys

from replycoach.cli import main

if __name__ == "__main__":  # imported (the layer test does), it runs nothing
    sys.exit(main())
