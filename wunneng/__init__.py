"""The ``wunneng`` command line: one dispatcher over the packages (matcher, scenarios, api)."""
