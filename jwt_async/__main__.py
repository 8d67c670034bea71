"""Run the command line as ``python -m jwt_async sign ...`` (see ``_cli``)."""

from jwt_async._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
