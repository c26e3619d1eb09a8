"""``python -m sle_scoring``: the command line (see :mod:`sle_scoring.cli`)."""

from .cli import main

if __name__ == "__main__":  # not when a worker process of --jobs imports this module
    raise SystemExit(main())
