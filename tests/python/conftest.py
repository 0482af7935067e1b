"""pytest setup for the Python binding: the package under test comes from the
build tree (PYTHONPATH set by ctest, see CMakeLists.txt) or an installed wheel."""
import pytest


@pytest.fixture
def quiet():
    """fmin keyword arguments that keep the progress line off the test log."""
    return {"show_progressbar": False}
