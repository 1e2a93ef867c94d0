"""restgate's root conftest: it only names the plugins; each declares its own options and hooks."""

pytest_plugins = [
    "fixtures.plugin",
    "reports.plugin",
    "reports.preset",  # --preset=paper: sets other options before either plugin reads them
    "pytester",  # the project's own tests run the whole suite in-process (tests/suite/)
]
