"""`python main.py` is the same program as the `interviewer` command."""

import sys

from interviewer.app import main

if __name__ == "__main__":
    sys.exit(main())
