"""`python -m services.cli`: how `pingan serve` starts the worker."""

from services.cli import main

if __name__ == "__main__":  # not when a scan of the packages imports this module
    main()
