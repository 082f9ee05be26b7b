"""``python -m checker`` is the same as ``urlcheck``."""

from checker.cli import main

if __name__ == "__main__":
    main()
