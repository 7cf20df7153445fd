"""Training sessions: one Session per run, an engine process while it plays, hubs fanning telemetry out."""
