import sys

from capquest.cli import main

sys.exit(main())
