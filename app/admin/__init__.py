"""Administration: bodies, people and responsible units."""
