"""Topic collection and triage (议题征集): submission, seconds, the convener's queue."""
