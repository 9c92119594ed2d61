"""Setting up a joint meeting body (联席会议): constituencies, seats, members and its rules."""
