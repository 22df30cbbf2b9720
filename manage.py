#!/usr/bin/env python
"""Django's command-line utility; `unactions` is the same with readable errors."""

import sys

from unactions.cli import main

if __name__ == "__main__":
    sys.exit(main())
