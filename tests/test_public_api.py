"""The public surface: __all__, docstrings and typing marker."""

from __future__ import annotations

import inspect
from pathlib import Path

import jwt_async
import jwt_async.exceptions


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted, and names every public attribute the package has."""
    assert jwt_async.__all__ == sorted(jwt_async.__all__)
    public = {name for name in vars(jwt_async) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(jwt_async, name))}
    assert public - modules - {"annotations"} == set(jwt_async.__all__) - {
        "__version__"
    }


def test_every_public_name_has_a_docstring() -> None:
    """Functions and classes in __all__ are documented."""
    for name in jwt_async.__all__:
        value = getattr(jwt_async, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert inspect.getdoc(value), name


def test_exception_tree() -> None:
    """Every exception derives from JWTError and has its own stable code."""
    classes = [getattr(jwt_async.exceptions, n) for n in jwt_async.exceptions.__all__]
    assert all(issubclass(cls, jwt_async.JWTError) for cls in classes)
    codes = [cls.code for cls in classes]
    assert len(set(codes)) == len(codes)
    assert issubclass(jwt_async.UnsupportedAlgorithmError, jwt_async.InvalidOptionError)
    assert issubclass(jwt_async.InvalidKeyError, ValueError)


def test_package_is_typed() -> None:
    """The package ships py.typed for type checkers."""
    assert (Path(jwt_async.__file__).parent / "py.typed").is_file()


def test_version_is_a_string() -> None:
    """__version__ comes from the installed metadata."""
    assert isinstance(jwt_async.__version__, str)
    assert jwt_async.__version__.count(".") >= 2
