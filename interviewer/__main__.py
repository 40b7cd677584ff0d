import sys

from interviewer.app import main

sys.exit(main())
