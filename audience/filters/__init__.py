"""The segmentation engine: filter-tree grammar, validation, and compilation to one ORM query.

``filters_compile(tree, account=...)`` is the entry point; ``filters_parse`` only validates.
The plain-Python reference the compiled query is tested against lives with the tests
(``tests/audience/oracle.py``).
"""

from audience.filters.compile import filters_compile
from audience.filters.validate import FilterContext, filters_parse

__all__ = ["FilterContext", "filters_compile", "filters_parse"]
