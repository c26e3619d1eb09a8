"""``python -m sle_scoring``: the command line (see :mod:`sle_scoring.cli`)."""

from .cli import main

raise SystemExit(main())
