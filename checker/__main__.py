"""``python -m checker`` is the same as ``urlcheck``."""

from checker.cli import main

main()
