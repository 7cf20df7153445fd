"""Training sessions: one Session per run, a runner thread each, hubs fanning telemetry out."""
