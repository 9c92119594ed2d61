"""Open data (开放数据): resolutions and tasks as JSON, CSV and Atom at stable addresses."""
