"""Follow-up (督办): resolutions, their tasks, ratings (评单) and the units that carry them out."""
