"""App factory, settings, auth, lifespan, CLI, health and metrics."""
