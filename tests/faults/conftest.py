"""The fault tests run the same three-process stack as tests/e2e."""

from tests.e2e.conftest import stack  # noqa: F401  (pytest finds the fixture by name here)
