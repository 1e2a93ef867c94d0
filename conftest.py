"""restgate's root conftest: it only names the plugins; each declares its own options and hooks."""

pytest_plugins = [
    "pytest_restgate.fixtures.plugin",
    "pytest_restgate.reports.plugin",
    "pytest_restgate.reports.preset",  # --preset=paper: sets other options before either plugin reads them
    "pytester",  # the project's own tests run the whole suite in-process (tests/suite/)
]
