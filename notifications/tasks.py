import config.broker  # noqa: F401  (the broker must exist before actors are declared)
