"""The benchmark as tests: REST, REST+ and the fresh SoEBench search.

A regular package, so that an installed wheel runs it as `pytest --pyargs pytest_restgate.tests_rest` (pytest
resolves --pyargs to a namespace package only with consider_namespace_packages set) and its modules import as
pytest_restgate.tests_rest.test_rest, never as a bare top-level `test_rest`.
"""
