"""Checks of the code's shape: imports, layers, signatures."""

# The product's apps, as the layers list them (pyproject's import-linter root packages).
APPS = (
    "config",
    "core",
    "accounts",
    "audience",
    "templates_app",
    "messaging",
    "campaigns",
    "delivery",
    "analytics",
    "integrations",
)
